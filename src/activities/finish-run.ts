import { Context } from '@temporalio/activity';
import { sql } from 'kysely';
import { releaseFlowLease } from '../db/repositories/flow-leases.js';
import { recordConsumedInputs, storeConnectorCursors } from '../db/repositories/run-inputs.js';
import { loadRunReport, runTotals, sourceMode } from '../db/repositories/run-reports.js';
import type { ConsumedInput, RunReport, StepStats } from '../domain/run-types.js';
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
 * recorded (superseded ones included), staging rows removed. Idempotent; returns the
 * run's report.
 */
export function finishRunActivity({ db, connectors }: ActivityDeps) {
  return async function finishRun(input: FinishRunInput): Promise<RunReport> {
    const { runId } = input;
    const applied = await db.transaction().execute(async (trx) => {
      const t = await runTotals(trx, runId);
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
          mode: sourceMode(runId),
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
      // Order runs (lookups) and bulk imports (a file custsync was given) consume no connector input;
      // an import's connector name need not even be configured.
      const synthetic = input.consumed.some((c) => c.input.importFile !== undefined || c.input.lookup !== undefined);
      const consumes = (name: string) => !synthetic && connectors(name).consumesInputs;
      const consuming = [...new Set(input.steps.map((s) => s.connector))].filter(consumes);
      const run = await trx.selectFrom('sync_runs').select(['flow', 'dry_run']).where('id', '=', runId).executeTakeFirst();
      // A dry run leaves its inputs pending: the real run still has to read them.
      const applies = input.status === 'completed' && !run?.dry_run;
      if (applies) await recordConsumedInputs(trx, runId, consuming);
      // Incremental listings go on from here next time: only once the run has completed.
      if (applies) await storeConnectorCursors(trx, runId);
      // Runs begun before inputs were recorded one by one name them in `consumed`.
      const consumed = input.consumed.filter((c) => consumes(c.connector));
      if (applies && consumed.length > 0) {
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
      // A failed run keeps its merge set: retried, it restages the same inputs, derives the same
      // customer ids and merges the chunks that did not commit.
      if (input.status === 'completed') await trx.deleteFrom('sync_run_merge_set').where('run_id', '=', runId).execute();
      await releaseFlowLease(trx, runId);
      return applies && !synthetic;
    });
    if (applied) await afterProcessing(db, connectors, runId);
    return loadRunReport(db, runId, REPORT_REJECT_SAMPLE);
  };
}

/**
 * Once a completed run (not a dry run) has recorded its inputs as processed, each connector archives or
 * deletes them as configured. A file that cannot be moved is logged and stays where it
 * is (it is recorded as processed either way): the run's data is already committed.
 */
async function afterProcessing(db: ActivityDeps['db'], connectors: ActivityDeps['connectors'], runId: string) {
  const inputs = await db.selectFrom('sync_run_inputs').select(['connector', 'name', 'checksum']).where('run_id', '=', runId).execute();
  for (const i of inputs) {
    const connector = connectors(i.connector);
    if (!connector.consumesInputs || !connector.afterProcessed) continue;
    await connector.afterProcessed({ name: i.name, checksum: i.checksum }).catch((error: unknown) => {
      Context.current().log.warn(`${(error as Error).message}; the file stays where it is`);
    });
  }
}
