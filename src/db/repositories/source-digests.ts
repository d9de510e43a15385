import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database.js';

/** What is stored of a customer a connector names: its customer (with the input hash it was last merged from) and its source digest. */
export interface StoredSource {
  customerId?: string;
  inputHash?: string;
  /** Hash of the raw rows the source supplied last, and of the record they mapped to. */
  sourceHash?: string;
  recordHash?: string;
  /** Whether its stored state was merged from the record its digest names (its input hash is that record's). */
  mergedFromDigest?: boolean;
}

/** A source digest to keep. */
export interface SourceDigestRow {
  external_id: string;
  source_hash: string;
  record_hash: string;
}

/** Longest external id a digest is kept for: the key must fit a btree index row. */
const MAX_DIGEST_KEY_LENGTH = 512;

/**
 * The stored customer and source digest of each of these external ids of a connector (ids with
 * neither are absent). `inputOf` (the flow's steps signature and the step's index) says how an
 * input hash is made of one record hash: whether a customer was merged from its digest's record is
 * then compared in the database (the `inputHashOf` of `merge/record-hash.ts`, in SQL).
 */
export async function storedSourcesOf(
  db: Kysely<Database> | Transaction<Database>,
  connector: string,
  externalIds: readonly string[],
  inputOf: { stepsSignature: string; stepIndex: number },
): Promise<Map<string, StoredSource>> {
  if (externalIds.length === 0) return new Map();
  // Each id looked up through the indexes (lateral, limit 1): a join would hash the connector's
  // whole external_ids and source_digests for every page, a cost growing with all stored customers.
  // The customer's row is read only when its external id does not hold its input hash.
  const { rows } = await sql<{
    external_id: string;
    customer_id: string | null;
    input_hash: string | null;
    source_hash: string | null;
    record_hash: string | null;
    merged_from_digest: boolean | null;
  }>`
    select x.external_id, s.customer_id, s.input_hash, d.source_hash, d.record_hash,
      s.input_hash = md5(${inputOf.stepsSignature} || ${String(inputOf.stepIndex)} || ':' || d.record_hash) as merged_from_digest
    from unnest(${[...new Set(externalIds)]}::text[]) as x(external_id)
      left join lateral (
        select e.customer_id, coalesce(e.input_hash, (select c.input_hash from customers c where c.id = e.customer_id)) as input_hash
        from external_ids e where e.connector = ${connector} and e.external_id = x.external_id limit 1) s on true
      left join lateral (
        select d.source_hash, d.record_hash from source_digests d
        where d.connector = ${connector} and d.external_id = x.external_id limit 1) d on true
    where s.customer_id is not null or d.source_hash is not null`.execute(db);
  const found = new Map<string, StoredSource>();
  for (const r of rows) {
    const source: StoredSource = {};
    if (r.customer_id !== null) source.customerId = r.customer_id;
    if (r.input_hash !== null) source.inputHash = r.input_hash;
    if (r.source_hash !== null) {
      source.sourceHash = r.source_hash;
      source.recordHash = r.record_hash!;
    }
    if (r.merged_from_digest === true) source.mergedFromDigest = true;
    found.set(r.external_id, source);
  }
  return found;
}

/**
 * Keeps the source digests of a connector's customers (the last one per external id wins). Rows
 * are written in external-id order, so transactions writing the same ids at once (pages staged
 * side by side) wait for one another and never deadlock.
 */
export async function recordSourceDigests(db: Kysely<Database> | Transaction<Database>, connector: string, digests: readonly SourceDigestRow[]): Promise<void> {
  const byId = new Map<string, SourceDigestRow>();
  for (const d of digests) if (d.external_id.length <= MAX_DIGEST_KEY_LENGTH) byId.set(d.external_id, d);
  if (byId.size === 0) return;
  const rows = [...byId.values()];
  await sql`insert into source_digests (connector, external_id, source_hash, record_hash)
    select ${connector}, x.external_id, x.source_hash, x.record_hash
    from unnest(${rows.map((r) => r.external_id)}::text[], ${rows.map((r) => r.source_hash)}::text[], ${rows.map((r) => r.record_hash)}::text[])
      as x(external_id, source_hash, record_hash)
    order by x.external_id
    on conflict (connector, external_id) do update set source_hash = excluded.source_hash, record_hash = excluded.record_hash`.execute(db);
}
