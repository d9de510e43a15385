import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { FlowStepPlan } from '../../domain/run-types.js';
import { stepsSignature } from '../../merge/steps-signature.js';
import type { Database } from '../database.js';
import { assertStagingKept } from './staging-sentinels.js';

/** Which customers a run merges, cut into chunks; its size does not grow with the run's. */
export interface MergePlan {
  /** How many chunks the merge set is cut into; each is merged by its index. */
  chunks: number;
  /** Customers whose inputs changed (or are new): the ones the chunks merge. */
  toMerge: number;
  /** Customers whose inputs are what their stored state was merged from. */
  unchanged: number;
}

export interface InputHashRow {
  customer_id: string;
  input_hash: string;
  stored_input_hash: string | null;
  /** Whether the customer is stored (a new one is not). */
  stored: boolean;
}

/**
 * Per staged customer: the hash of what this run's steps say about it, next to the
 * hash its stored state was last merged from. Equal hashes mean an unchanged customer:
 * merging is idempotent, so it need not be loaded or merged again.
 */
function inputHashesQuery(runId: string, steps: readonly FlowStepPlan[], customers: RawBuilder<unknown>): RawBuilder<InputHashRow> {
  return sql<InputHashRow>`
    select s.customer_id, c.input_hash as stored_input_hash, c.id is not null as stored,
      md5(${stepsSignature(steps)} || string_agg(s.step_index || ':' || s.record_hash, ',' order by s.step_index, s.seq)) as input_hash
    from staging_records s left join customers c on c.id = s.customer_id
    where s.run_id = ${runId} and ${customers}
    group by s.customer_id, c.id, c.input_hash`;
}

/** The input hashes of some of the run's staged customers. */
export async function inputHashesOf(db: Kysely<Database>, runId: string, steps: readonly FlowStepPlan[], customerIds: readonly string[]): Promise<InputHashRow[]> {
  return (await inputHashesQuery(runId, steps, sql`s.customer_id = any(${customerIds}::uuid[])`).execute(db)).rows;
}

/** The run's stored merge plan, if it has one. */
export async function loadMergePlan(db: Kysely<Database>, runId: string): Promise<MergePlan | undefined> {
  const row = await db.selectFrom('sync_run_plans').selectAll().where('run_id', '=', runId).executeTakeFirst();
  return row && { chunks: row.chunk_starts.length, toMerge: row.to_merge, unchanged: row.unchanged };
}

/** Where a chunk of the run's stored plan starts (`''` for the first); undefined past the last chunk. */
export async function chunkStartAt(db: Kysely<Database>, runId: string, chunkIndex: number): Promise<string | undefined> {
  const row = await sql<{ start: string | null }>`select chunk_starts->>${chunkIndex}::int as start from sync_run_plans where run_id = ${runId}`.execute(db);
  return row.rows[0]?.start ?? undefined;
}

/**
 * In one set-based pass, the run's merge set — the staged customers whose input hash differs
 * from the stored one — and its plan: the set cut into chunks of `chunkSize`, stored with the run.
 */
export async function storeMergePlan(db: Kysely<Database>, runId: string, steps: readonly FlowStepPlan[], chunkSize: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`delete from sync_run_merge_set where run_id = ${runId}`.execute(trx);
    await sql`insert into sync_run_merge_set (run_id, customer_id)
      select ${runId}, h.customer_id from (${inputHashesQuery(runId, steps, sql`s.customer_id is not null`)}) h
      where h.stored_input_hash is distinct from h.input_hash`.execute(trx);
    const counts = await sql<{ staged: number; to_merge: number }>`select
        (select count(distinct customer_id) from staged_customers where run_id = ${runId} and customer_id is not null)::int as staged,
        (select count(*) from sync_run_merge_set where run_id = ${runId})::int as to_merge`.execute(trx);
    const { staged, to_merge } = counts.rows[0]!;
    const starts = await sql<{ customer_id: string }>`select customer_id from (
        select customer_id, row_number() over (order by customer_id) as n from sync_run_merge_set where run_id = ${runId}
      ) numbered where n % ${chunkSize} = 0 and n < ${to_merge} order by customer_id`.execute(trx);
    const chunkStarts = to_merge > 0 ? ['', ...starts.rows.map((r) => r.customer_id)] : [];
    await trx
      .insertInto('sync_run_plans')
      .values({ run_id: runId, chunk_starts: JSON.stringify(chunkStarts), to_merge, unchanged: staged - to_merge })
      .execute();
    await assertStagingKept(trx, runId);
  });
}

/** Whether the run has stored a merge plan (it has then merged, or begun to). */
export async function hasMergePlan(db: Kysely<Database>, runId: string): Promise<boolean> {
  return (await db.selectFrom('sync_run_plans').select('run_id').where('run_id', '=', runId).executeTakeFirst()) !== undefined;
}
