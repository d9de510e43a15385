import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { RunTotals } from '../../domain/run-types.js';
import type { CustomersTable, Database, StagingRecordsTable } from '../database.js';

/** Where the first chunk of a run starts (its plan's chunk start ''). */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** The id a chunk starts after, as stored. */
export const chunkStartOf = (afterCustomerId: string): string => afterCustomerId || NIL_UUID;

/** A stored customer as merging needs it. */
export type CurrentCustomer = Pick<Selectable<CustomersTable>, 'id' | 'merged' | 'content_hash' | 'source_connector' | 'source_id' | 'created_run_id'>;

/** A staged record of a chunk's customer. */
export type StagedRecord = Pick<Selectable<StagingRecordsTable>, 'step_index' | 'external_id' | 'record'> & { customer_id: string };

const CURRENT_COLUMNS = ['id', 'merged', 'content_hash', 'source_connector', 'source_id', 'created_run_id'] as const;

/** The outcome stored with a chunk that has committed, so a retry returns it instead of merging again. */
export async function storedChunkOutcome(db: Kysely<Database>, runId: string, chunkStart: string): Promise<{ totals: RunTotals } | undefined> {
  const done = await db.selectFrom('sync_run_chunks').selectAll().where('run_id', '=', runId).where('chunk_start', '=', chunkStart).executeTakeFirst();
  if (!done) return undefined;
  const { customers, created, updated, unchanged, rejected, held } = done;
  return { totals: { customers, created, updated, unchanged, rejected, ...(held > 0 ? { held } : {}) } };
}

/** The ids of a chunk: up to `limit` customers of the run's merge set after `chunkStart`, in order. */
export async function mergeSetChunk(db: Kysely<Database>, runId: string, chunkStart: string, limit: number): Promise<string[]> {
  const rows = await sql<{ customer_id: string }>`select customer_id from sync_run_merge_set
    where run_id = ${runId} and customer_id > ${chunkStart}::uuid
    order by customer_id limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.customer_id);
}

/** The staged records of some of the run's customers, in step and input order. */
export async function stagedRecordsOf(db: Kysely<Database>, runId: string, customerIds: readonly string[]): Promise<StagedRecord[]> {
  const rows = await sql<StagedRecord>`select customer_id, step_index, external_id, record from staging_records
    where run_id = ${runId} and customer_id = any(${customerIds}::uuid[])
    order by customer_id, step_index, seq`.execute(db);
  return rows.rows;
}

/** The stored state of those of the customers that exist. */
export async function currentCustomersOf(db: Kysely<Database>, ids: readonly string[]): Promise<CurrentCustomer[]> {
  return ids.length === 0 ? [] : db.selectFrom('customers').select(CURRENT_COLUMNS).where('id', 'in', ids).execute();
}

/** The customers of a source connector with one of these source ids. */
export async function customersBySourceIds(db: Kysely<Database>, sourceConnector: string, sourceIds: readonly string[]): Promise<CurrentCustomer[]> {
  if (sourceIds.length === 0) return [];
  return db.selectFrom('customers').select(CURRENT_COLUMNS).where('source_connector', '=', sourceConnector).where('source_id', 'in', sourceIds).execute();
}

/** The external ids the customers already have, per connector. */
export async function externalIdsOf(db: Kysely<Database>, customerIds: readonly string[]): Promise<{ connector: string; external_id: string }[]> {
  if (customerIds.length === 0) return [];
  return db.selectFrom('external_ids').select(['connector', 'external_id']).where('customer_id', 'in', customerIds).execute();
}

/** Stores a chunk's outcome in the chunk's transaction. */
export async function recordChunkOutcome(trx: Transaction<Database>, runId: string, chunk: { start: string; end: string; totals: RunTotals }): Promise<void> {
  await trx
    .insertInto('sync_run_chunks')
    .values({ run_id: runId, chunk_start: chunk.start, chunk_end: chunk.end, ...chunk.totals })
    .execute();
}

/**
 * Locks the customers a chunk is about to update until its transaction ends and returns those
 * whose content is no longer what the chunk merged from (another writer, an API write say,
 * changed them since they were read): writing the chunk would overwrite that change.
 */
export async function lockAndFindChanged(trx: Transaction<Database>, read: readonly { id: string; contentHash: string }[]): Promise<string[]> {
  if (read.length === 0) return [];
  const { rows } = await sql<{ id: string; same: boolean }>`select c.id, c.content_hash = x.hash as same
    from customers c join unnest(${read.map((r) => r.id)}::uuid[], ${read.map((r) => r.contentHash)}::text[]) as x(id, hash) on c.id = x.id
    order by c.id for update of c`.execute(trx);
  return rows.filter((r) => !r.same).map((r) => r.id);
}
