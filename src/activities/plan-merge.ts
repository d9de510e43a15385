import { sql } from 'kysely';
import type { FlowStepPlan } from '../domain/run-types.js';
import type { ActivityDeps } from './activity-deps.js';
import { inputHashesQuery } from './input-hashes.js';

export interface PlanMergeInput {
  runId: string;
  steps: FlowStepPlan[];
  chunkSize: number;
}

/** Which customers a run merges, cut into chunks; small enough for workflow history. */
export interface MergePlan {
  /** `afterCustomerId` of each chunk, in order ('' for the first). */
  chunkStarts: string[];
  /** Customers whose inputs changed (or are new): the ones the chunks merge. */
  toMerge: number;
  /** Customers whose inputs are what their stored state was merged from. */
  unchanged: number;
}

/**
 * Decides once, in one set-based pass, which staged customers need merging: those
 * whose input hash differs from the stored one. The plan is stored with the run, so
 * retries and continued executions get the very same chunks.
 */
export function planMergeActivity({ db }: ActivityDeps) {
  return async function planMerge(input: PlanMergeInput): Promise<MergePlan> {
    const { runId } = input;
    const stored = await loadPlan(db, runId);
    if (stored) return stored;
    await db.transaction().execute(async (trx) => {
      await sql`delete from sync_run_merge_set where run_id = ${runId}`.execute(trx);
      await sql`insert into sync_run_merge_set (run_id, customer_id)
        select ${runId}, h.customer_id from (${inputHashesQuery(runId, input.steps)}) h
        where h.stored_input_hash is distinct from h.input_hash`.execute(trx);
      const counts = await sql<{ staged: number; to_merge: number }>`select
          (select count(distinct customer_id) from staging_records where run_id = ${runId} and customer_id is not null)::int as staged,
          (select count(*) from sync_run_merge_set where run_id = ${runId})::int as to_merge`.execute(trx);
      const { staged, to_merge } = counts.rows[0]!;
      const starts = await sql<{ customer_id: string }>`select customer_id from (
          select customer_id, row_number() over (order by customer_id) as n from sync_run_merge_set where run_id = ${runId}
        ) numbered where n % ${input.chunkSize} = 0 and n < ${to_merge} order by customer_id`.execute(trx);
      const chunkStarts = to_merge > 0 ? ['', ...starts.rows.map((r) => r.customer_id)] : [];
      await trx
        .insertInto('sync_run_plans')
        .values({ run_id: runId, chunk_starts: JSON.stringify(chunkStarts), to_merge, unchanged: staged - to_merge })
        .execute();
    });
    return (await loadPlan(db, runId))!;
  };
}

async function loadPlan(db: ActivityDeps['db'], runId: string): Promise<MergePlan | undefined> {
  const row = await db.selectFrom('sync_run_plans').selectAll().where('run_id', '=', runId).executeTakeFirst();
  return row && { chunkStarts: row.chunk_starts, toMerge: row.to_merge, unchanged: row.unchanged };
}
