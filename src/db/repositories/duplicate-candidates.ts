import { sql, type Kysely } from 'kysely';
import type { DuplicateKeyKind, DuplicateStrength } from '../../domain/duplicate-settings.js';
import type { MergedCustomer } from '../../merge/index.js';
import type { MatchKey } from '../../merge/match-keys.js';
import type { DuplicatePair } from '../../merge/duplicate-pairs.js';
import type { Database } from '../database.js';

/** A customer as checked for duplicates: its type and merged state. */
export interface CheckedCustomer {
  id: string;
  type: 'PERSON' | 'COMPANY';
  merged: MergedCustomer;
}

/** The customers among `ids` that are not deleted, with their merged state. */
export async function customersToCheck(db: Kysely<Database>, ids: readonly string[]): Promise<CheckedCustomer[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('customers')
    .select(['id', 'type', 'merged'])
    .where('id', '=', sql<string>`any(${[...ids]}::uuid[])`)
    .where('deleted_at', 'is', null)
    .where('merged_into', 'is', null)
    .execute();
}

/** Replaces the match keys of `customers` with the ones given (a customer without keys keeps none). */
export async function replaceMatchKeys(db: Kysely<Database>, customers: readonly { id: string; keys: readonly MatchKey[] }[]): Promise<void> {
  if (customers.length === 0) return;
  const ids = customers.map((c) => c.id);
  const rows = customers.flatMap((c) => c.keys.map((key) => ({ ...key, customerId: c.id })));
  await db.deleteFrom('customer_match_keys').where('customer_id', '=', sql<string>`any(${ids}::uuid[])`).execute();
  if (rows.length === 0) return;
  await sql`insert into customer_match_keys (kind, value, customer_id)
    select * from unnest(${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.value)}::text[], ${rows.map((r) => r.customerId)}::uuid[])
    on conflict do nothing`.execute(db);
}

/** Another customer that shares a key with one of a page's customers. */
export interface SharedKey {
  customerId: string;
  kind: DuplicateKeyKind;
  value: string;
  otherId: string;
  otherType: 'PERSON' | 'COMPANY';
  otherName: MergedCustomer['name'] | null;
}

/**
 * The other (not deleted) customers sharing each of `keys` with its customer. A key shared by
 * more than `maxShared` customers (a placeholder email, a big city's block) tells nobody apart
 * and is left out.
 */
export async function customersSharingKeys(
  db: Kysely<Database>,
  keys: readonly { customerId: string; kind: DuplicateKeyKind; value: string }[],
  maxShared: number,
): Promise<SharedKey[]> {
  if (keys.length === 0) return [];
  const result = await sql<SharedKey>`
    with page (customer_id, kind, value) as (
      select * from unnest(${keys.map((k) => k.customerId)}::uuid[], ${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.value)}::text[])
    ),
    usable as (
      select distinct p.kind, p.value from page p
      where (select count(*) from (select 1 from customer_match_keys s where s.kind = p.kind and s.value = p.value limit ${maxShared + 1}) n) <= ${maxShared}
    )
    select p.customer_id as "customerId", p.kind, p.value, k.customer_id as "otherId", c.type as "otherType", c.merged -> 'name' as "otherName"
    from page p
    join usable u on u.kind = p.kind and u.value = p.value
    join customer_match_keys k on k.kind = p.kind and k.value = p.value and k.customer_id <> p.customer_id
    join customers c on c.id = k.customer_id and c.deleted_at is null and c.merged_into is null`.execute(db);
  return result.rows;
}


/**
 * Records the candidates found for the checked customers `checkedIds`: new pairs are added,
 * open ones updated, pairs already decided left as they are; open pairs of a checked customer
 * that were not found again (its keys changed) are dropped. Returns the pairs added.
 */
export async function recordCandidates(
  db: Kysely<Database>,
  checkedIds: readonly string[],
  found: readonly DuplicatePair[],
  runId: string | null,
): Promise<number> {
  const lower = found.map((f) => f.customerId);
  const higher = found.map((f) => f.otherCustomerId);
  await sql`delete from duplicate_candidates d
    where d.status = 'open'
      and (d.customer_id = any(${[...checkedIds]}::uuid[]) or d.other_customer_id = any(${[...checkedIds]}::uuid[]))
      and not exists (select 1 from unnest(${lower}::uuid[], ${higher}::uuid[]) f(a, b) where f.a = d.customer_id and f.b = d.other_customer_id)`.execute(db);
  if (found.length === 0) return 0;
  const result = await sql<{ inserted: boolean }>`
    insert into duplicate_candidates (customer_id, other_customer_id, strength, reasons, name_similarity, found_run_id)
    select a, b, s, r, n, ${runId}
    from unnest(${lower}::uuid[], ${higher}::uuid[], ${found.map((f) => f.strength)}::text[],
      ${found.map((f) => JSON.stringify(f.reasons))}::jsonb[], ${found.map((f) => f.nameSimilarity)}::real[]) as f(a, b, s, r, n)
    on conflict (customer_id, other_customer_id) do update
      set strength = excluded.strength, reasons = excluded.reasons, name_similarity = excluded.name_similarity,
          updated_at = now()
      where duplicate_candidates.status = 'open'
        and (duplicate_candidates.strength, duplicate_candidates.reasons, duplicate_candidates.name_similarity)
          is distinct from (excluded.strength, excluded.reasons, excluded.name_similarity)
    returning (xmax = 0) as inserted`.execute(db);
  return result.rows.filter((r) => r.inserted).length;
}

/** One customer of a candidate pair, as lists show it. */
export interface CandidateCustomer {
  id: string;
  type: 'PERSON' | 'COMPANY';
  name: MergedCustomer['name'] | null;
  sourceConnector: string;
  sourceId: string;
}

/** A candidate pair as stored, with both customers. */
export interface CandidateRow {
  id: string;
  strength: DuplicateStrength;
  status: 'open' | 'kept-apart' | 'merged';
  reasons: MatchKey[];
  nameSimilarity: number;
  foundRunId: string | null;
  foundAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  customers: [CandidateCustomer, CandidateCustomer];
}

/** What a list of candidates is filtered by; every filter given must hold. */
export interface CandidateFilter {
  status?: CandidateRow['status'];
  strength?: DuplicateStrength;
  /** Pairs with this customer. */
  customerId?: string;
  /** Pairs first found by this run. */
  runId?: string;
}

function candidateQuery(db: Kysely<Database>) {
  return db
    .selectFrom('duplicate_candidates as d')
    .innerJoin('customers as a', 'a.id', 'd.customer_id')
    .innerJoin('customers as b', 'b.id', 'd.other_customer_id')
    .select([
      'd.id', 'd.strength', 'd.status', 'd.reasons', 'd.name_similarity', 'd.found_run_id', 'd.found_at', 'd.decided_by', 'd.decided_at',
      'a.id as a_id', 'a.type as a_type', sql<MergedCustomer['name'] | null>`a.merged -> 'name'`.as('a_name'), 'a.source_connector as a_connector', 'a.source_id as a_source_id',
      'b.id as b_id', 'b.type as b_type', sql<MergedCustomer['name'] | null>`b.merged -> 'name'`.as('b_name'), 'b.source_connector as b_connector', 'b.source_id as b_source_id',
    ])
    .where('a.deleted_at', 'is', null)
    .where('b.deleted_at', 'is', null);
}

type CandidateQueryRow = Awaited<ReturnType<ReturnType<typeof candidateQuery>['execute']>>[number];

function candidateOf(r: CandidateQueryRow): CandidateRow {
  return {
    id: String(r.id),
    strength: r.strength,
    status: r.status,
    reasons: r.reasons,
    nameSimilarity: r.name_similarity,
    foundRunId: r.found_run_id,
    foundAt: r.found_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    customers: [
      { id: r.a_id, type: r.a_type, name: r.a_name, sourceConnector: r.a_connector, sourceId: r.a_source_id },
      { id: r.b_id, type: r.b_type, name: r.b_name, sourceConnector: r.b_connector, sourceId: r.b_source_id },
    ],
  };
}

/** A page of candidate pairs matching `filter`, strong ones first, then by id, after the pair `after` of the same order. */
export async function listCandidates(db: Kysely<Database>, filter: CandidateFilter, after: string | undefined, limit: number): Promise<CandidateRow[]> {
  let query = candidateQuery(db);
  if (filter.status) query = query.where('d.status', '=', filter.status);
  if (filter.strength) query = query.where('d.strength', '=', filter.strength);
  if (filter.runId) query = query.where('d.found_run_id', '=', filter.runId);
  const customerId = filter.customerId;
  if (customerId) query = query.where((eb) => eb.or([eb('d.customer_id', '=', customerId), eb('d.other_customer_id', '=', customerId)]));
  if (after) query = query.where('d.id', '>', after);
  const rows = await query.orderBy('d.id').limit(limit).execute();
  return rows.map(candidateOf);
}

/** One candidate pair by its id (undefined also when either customer is deleted). */
export async function candidateById(db: Kysely<Database>, id: string): Promise<CandidateRow | undefined> {
  const row = await candidateQuery(db).where('d.id', '=', id).executeTakeFirst();
  return row && candidateOf(row);
}

/** Open candidates by strength. */
export async function openCandidateCounts(db: Kysely<Database>): Promise<{ strong: number; weak: number }> {
  const rows = await candidateQuery(db).clearSelect().select(['d.strength', sql<string>`count(*)`.as('count')]).where('d.status', '=', 'open').groupBy('d.strength').execute();
  const count = (strength: DuplicateStrength) => Number(rows.find((r) => r.strength === strength)?.count ?? 0);
  return { strong: count('strong'), weak: count('weak') };
}

/**
 * Decides an open candidate (`kept-apart` or `merged`): the first decision wins. Returns false
 * when the candidate is no longer open.
 */
export async function decideCandidate(db: Kysely<Database>, id: string, status: 'kept-apart' | 'merged', by: string): Promise<boolean> {
  const result = await db
    .updateTable('duplicate_candidates')
    .set({ status, decided_by: by, decided_at: new Date(), updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
