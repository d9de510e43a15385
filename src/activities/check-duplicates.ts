import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { customersSharingKeys, customersToCheck, recordCandidates, replaceMatchKeys } from '../db/repositories/duplicate-candidates.js';
import { DUPLICATE_KEY_KINDS, type DuplicateKeyKind, type DuplicateStrength } from '../domain/duplicate-settings.js';
import type { MergedCustomer } from '../merge/index.js';
import { duplicatePairs } from '../merge/duplicate-pairs.js';
import { customerMatchKeys, nameKey, type MatchKey } from '../merge/match-keys.js';

/** More customers than this sharing one key (a placeholder email, a crowded block) make it no key. */
export const MAX_SHARED_KEY = 50;

/** What checking customers for duplicates found. */
export interface DuplicateCheckCounts {
  /** Customers checked. */
  checked: number;
  /** Candidate pairs found that were not known before. */
  newCandidates: number;
}

/**
 * Checks `ids` for duplicates among every checked customer: stores each one's keys (every kind,
 * so a flow comparing other kinds finds it too), looks up the customers sharing one of the
 * `kinds` compared, scores each pair and records the candidates. Costs what the customers
 * checked share, not what is stored. Idempotent: checking again finds the same pairs.
 */
export async function checkDuplicates(
  db: Kysely<Database>,
  ids: readonly string[],
  kinds: readonly DuplicateKeyKind[],
  runId: string | null,
): Promise<DuplicateCheckCounts> {
  return db.transaction().execute((trx) => checkDuplicatesIn(trx, ids, kinds, runId));
}

/** {@link checkDuplicates} inside the caller's transaction (an API write's, with the write). */
export async function checkDuplicatesIn(
  trx: Kysely<Database>,
  ids: readonly string[],
  kinds: readonly DuplicateKeyKind[],
  runId: string | null,
): Promise<DuplicateCheckCounts> {
  const customers = await customersToCheck(trx, ids);
  const keyed = customers.map((c) => ({ ...c, keys: customerMatchKeys(c.merged, DUPLICATE_KEY_KINDS) }));
  await replaceMatchKeys(trx, keyed);
  const compared = new Set(kinds);
  const asked = keyed.flatMap((c) => c.keys.filter((k) => compared.has(k.kind)).map((k) => ({ ...k, customerId: c.id })));
  const shared = await customersSharingKeys(trx, asked, MAX_SHARED_KEY);
  const checked = new Map(customers.map((c) => [c.id, { type: c.type, nameKey: nameKey(c.merged.name) }]));
  const found = duplicatePairs(checked, shared.map((s) => ({ ...s, otherNameKey: nameKey(s.otherName ?? undefined) })));
  const newCandidates = await recordCandidates(trx, [...checked.keys()], found, runId);
  return { checked: customers.length, newCandidates };
}


/** A stored customer that a customer not stored yet may be (a held new customer). */
export interface LikelyDuplicate {
  customerId: string;
  strength: DuplicateStrength;
  reasons: MatchKey[];
  nameSimilarity: number;
}

/** Stands for the customer not stored yet in the lookup: no stored customer has this id. */
const UNSTORED = '00000000-0000-0000-0000-000000000000';

/** The stored customers a customer that is not stored yet (held for review) may be, by every key; nothing is written. */
export async function likelyDuplicatesOf(db: Kysely<Database>, merged: MergedCustomer): Promise<LikelyDuplicate[]> {
  const keys = customerMatchKeys(merged, DUPLICATE_KEY_KINDS).map((k) => ({ ...k, customerId: UNSTORED }));
  const shared = await customersSharingKeys(db, keys, MAX_SHARED_KEY);
  const pairs = duplicatePairs(new Map([[UNSTORED, { type: merged.type, nameKey: nameKey(merged.name) }]]), shared.map((s) => ({ ...s, otherNameKey: nameKey(s.otherName ?? undefined) })));
  return pairs
    .map((p) => ({ customerId: p.customerId === UNSTORED ? p.otherCustomerId : p.customerId, strength: p.strength, reasons: p.reasons, nameSimilarity: p.nameSimilarity }))
    .sort((a, b) => (a.strength === b.strength ? 0 : a.strength === 'strong' ? -1 : 1));
}
