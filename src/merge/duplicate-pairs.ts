import type { CustomerType } from '../domain/customer-record.js';
import type { DuplicateKeyKind } from '../domain/duplicate-settings.js';
import { scoreDuplicate, type DuplicateScore, type ScoredCustomer } from './duplicate-score.js';
import type { MatchKey } from './match-keys.js';

/** A key one checked customer shares with another customer. */
export interface SharedKeyRow {
  customerId: string;
  kind: DuplicateKeyKind;
  value: string;
  otherId: string;
  otherType: CustomerType;
  /** The other customer's name key (see `nameKey`). */
  otherNameKey: string;
}

/** A pair that may be one customer, lower id first. */
export interface DuplicatePair extends DuplicateScore {
  customerId: string;
  otherCustomerId: string;
}

/**
 * The candidate pairs among checked customers and the customers they share keys with: the
 * shared keys grouped by pair (each pair once, lower id first), each pair scored.
 */
export function duplicatePairs(checked: ReadonlyMap<string, ScoredCustomer>, shared: readonly SharedKeyRow[]): DuplicatePair[] {
  const pairs = new Map<string, { self: ScoredCustomer; other: ScoredCustomer; ids: [string, string]; keys: MatchKey[] }>();
  for (const s of shared) {
    const self = checked.get(s.customerId);
    if (!self) continue;
    const ids: [string, string] = s.customerId < s.otherId ? [s.customerId, s.otherId] : [s.otherId, s.customerId];
    const key = ids.join('|');
    const pair = pairs.get(key) ?? { self, other: { type: s.otherType, nameKey: s.otherNameKey }, ids, keys: [] };
    if (!pair.keys.some((k) => k.kind === s.kind && k.value === s.value)) pair.keys.push({ kind: s.kind, value: s.value });
    pairs.set(key, pair);
  }
  return [...pairs.values()].flatMap(({ self, other, ids, keys }) => {
    const score = scoreDuplicate(self, other, keys);
    return score ? [{ customerId: ids[0], otherCustomerId: ids[1], ...score }] : [];
  });
}
