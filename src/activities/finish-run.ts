import { sql } from 'kysely';
import type { RejectedRecord } from '../domain/customer-record.js';
import type { ConsumedInput, RunReport, StepStats } from '../workflows/customer-sync-types.js';
import type { ActivityDeps } from './activity-deps.js';

export interface FinishRunInput {
  runId: string;
  status: 'completed' | 'failed';
  steps: StepStats[];
  /** Inputs the run read; those of connectors that consume inputs are recorded as processed when it completed. */
  consumed: ConsumedInput[];
  error?: string;
}

/** Rejected records included in a report; all of them stay in the database. */
export const REPORT_REJECT_SAMPLE = 50;

/**
 * Closes the run: totals from the committed chunks, step stats, consumed inputs
 * recorded, staging rows removed. Idempotent; returns the run's report.
 */
export function finishRunActivity({ db, connectors }: ActivityDeps) {
  return async function finishRun(input: FinishRunInput): Promise<RunReport> {
    const { runId } = input;
    await db.transaction().execute(async (trx) => {
      const sums = await sql<{ customers: number; created: number; updated: number; unchanged: number; rejected: number }>`
        select coalesce(sum(customers), 0)::int + ${plannedUnchanged(runId)} as customers, coalesce(sum(created), 0)::int as created,
               coalesce(sum(updated), 0)::int as updated, coalesce(sum(unchanged), 0)::int + ${plannedUnchanged(runId)} as unchanged,
               (select count(*) from rejected_records where run_id = ${runId})::int as rejected
        from sync_run_chunks where run_id = ${runId}`.execute(trx);
      const t = sums.rows[0]!;
      await trx
        .updateTable('sync_runs')
        .set({
          status: input.status,
          finished_at: sql<Date>`coalesce(finished_at, now())`,
          created: t.created,
          updated: t.updated,
          unchanged: t.unchanged,
          rejected: t.rejected,
          error: input.error ?? null,
        })
        .where('id', '=', runId)
        .execute();
      for (const [index, step] of input.steps.entries()) {
        await trx
          .updateTable('sync_run_steps')
          .set({
            inputs: JSON.stringify(step.inputs),
            read: step.read,
            staged: step.staged,
            matched: step.matched,
            unmatched: step.unmatched,
            rejected: step.rejected,
          })
          .where('run_id', '=', runId)
          .where('step_index', '=', index)
          .execute();
      }
      const consumed = input.consumed.filter((c) => connectors(c.connector).consumesInputs);
      if (input.status === 'completed' && consumed.length > 0) {
        await trx
          .insertInto('connector_inputs')
          .values(
            consumed.map((c) => ({
              connector: c.connector,
              name: c.input.name,
              checksum: c.input.checksum,
              run_id: runId,
            })),
          )
          .onConflict((oc) => oc.columns(['connector', 'name', 'checksum']).doNothing())
          .execute();
      }
      await trx.deleteFrom('staging_records').where('run_id', '=', runId).execute();
      await trx.deleteFrom('sync_run_merge_set').where('run_id', '=', runId).execute();
    });
    return loadRunReport(db, runId, REPORT_REJECT_SAMPLE);
  };
}

/** A run's report as stored; used by the workflow's last step and by `custsync runs show`. */
export async function loadRunReport(db: ActivityDeps['db'], runId: string, rejectLimit: number): Promise<RunReport> {
  const run = await db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!run) throw new Error(`no run ${runId}`);
  const [steps, rejects, chunks] = await Promise.all([
    db.selectFrom('sync_run_steps').selectAll().where('run_id', '=', runId).orderBy('step_index').execute(),
    db
      .selectFrom('rejected_records')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('step_index')
      .orderBy('source')
      .orderBy('line')
      .limit(rejectLimit)
      .execute(),
    sql<{ customers: number }>`select coalesce(sum(customers), 0)::int + ${plannedUnchanged(runId)} as customers
      from sync_run_chunks where run_id = ${runId}`.execute(
      db,
    ),
  ]);
  const finished = run.finished_at ?? new Date();
  return {
    runId,
    flow: run.flow,
    status: run.status === 'failed' ? 'failed' : 'completed',
    mode: run.mode === 'delta' ? 'delta' : 'full',
    steps: steps.map((s) => ({
      role: s.role,
      connector: s.connector,
      inputs: s.inputs,
      read: s.read,
      staged: s.staged,
      matched: s.matched,
      unmatched: s.unmatched,
      rejected: s.rejected,
    })),
    totals: {
      customers: chunks.rows[0]!.customers,
      created: run.created,
      updated: run.updated,
      unchanged: run.unchanged,
      rejected: run.rejected,
    },
    rejectedSample: rejects.map(
      (r): RejectedRecord => ({
        source: r.source,
        line: r.line,
        externalId: r.external_id ?? undefined,
        field: r.field ?? undefined,
        reason: r.reason,
      }),
    ),
    durationMs: new Date(finished).getTime() - new Date(run.started_at).getTime(),
    ...(run.error ? { error: run.error } : {}),
  };
}

/** Customers a run's merge plan found unchanged: counted, but in no chunk. */
function plannedUnchanged(runId: string) {
  return sql<number>`coalesce((select unchanged from sync_run_plans where run_id = ${runId}), 0)`;
}
