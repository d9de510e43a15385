import { distance } from 'fastest-levenshtein';
import type { DuplicateKeyKind, DuplicateStrength } from '../domain/duplicate-settings.js';
import type { CustomerType } from '../domain/customer-record.js';
import type { MatchKey } from './match-keys.js';

/** How much a shared key of each kind says: a strong key alone makes a strong candidate. */
export const KEY_STRENGTH: { [K in DuplicateKeyKind]: DuplicateStrength } = {
  email: 'strong',
  vat: 'strong',
  phone: 'weak',
  name: 'weak',
};

/** Names at least this similar (1 is equal) within one block make a weak candidate. */
export const NAME_SIMILARITY_THRESHOLD = 0.85;

/** One customer of a pair as scored: its type and its name's key (see `nameKey`). */
export interface ScoredCustomer {
  type: CustomerType;
  nameKey: string;
}

/** Why two customers may be one, and how sure that is. */
export interface DuplicateScore {
  strength: DuplicateStrength;
  /** The keys they share (a name block only when their names are similar enough). */
  reasons: MatchKey[];
  /** Similarity of their names' keys, 0–1 (1 - edit distance / length of the longer). */
  nameSimilarity: number;
}

/** Similarity of two names' keys: 1 when equal, 0 when nothing is alike. */
export function nameSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 0 : 1 - distance(a, b) / longer;
}

/**
 * Whether two customers sharing `shared` keys may be one: never a person with a company; a
 * shared email or VAT number is a strong candidate; a shared phone, or a shared name block
 * with names at least `NAME_SIMILARITY_THRESHOLD` alike, a weak one. Undefined: not a candidate.
 */
export function scoreDuplicate(a: ScoredCustomer, b: ScoredCustomer, shared: readonly MatchKey[]): DuplicateScore | undefined {
  if (a.type !== b.type) return undefined;
  const similarity = nameSimilarity(a.nameKey, b.nameKey);
  const reasons = shared.filter((key) => key.kind !== 'name' || similarity >= NAME_SIMILARITY_THRESHOLD);
  if (reasons.length === 0) return undefined;
  const strength = reasons.some((key) => KEY_STRENGTH[key.kind] === 'strong') ? 'strong' : 'weak';
  return { strength, reasons: [...reasons].sort((x, y) => x.kind.localeCompare(y.kind) || x.value.localeCompare(y.value)), nameSimilarity: Math.round(similarity * 1000) / 1000 };
}
