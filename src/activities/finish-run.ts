import { removeBulkUpload } from '../db/repositories/bulk-uploads.js';
import { Context } from '@temporalio/activity';
import { releaseFlowLease } from '../db/repositories/flow-leases.js';
import { recordConsumedInputs, storeConnectorCursors } from '../db/repositories/run-inputs.js';
import { loadRunReport, runTotals } from '../db/repositories/run-reports.js';
import { clearRunWorkspace, isDryRun, recordConsumedByName, recordRunFinished, runInputsOf } from '../db/repositories/sync-runs.js';
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
export function finishRunActivity({ db, connectors, notifier, metrics }: ActivityDeps) {
  return async function finishRun(input: FinishRunInput): Promise<RunReport> {
    const { runId } = input;
    const applied = await db.transaction().execute(async (trx) => {
      await recordRunFinished(trx, runId, { status: input.status, totals: await runTotals(trx, runId), steps: input.steps, ...(input.error ? { error: input.error } : {}) });
      // Order runs (lookups) and bulk imports (a file custsync was given) consume no connector input;
      // an import's connector name need not even be configured.
      const synthetic = input.consumed.some((c) => c.input.importFile !== undefined || c.input.importUpload !== undefined || c.input.lookup !== undefined);
      const consumes = (name: string) => !synthetic && connectors(name).consumesInputs;
      const consuming = [...new Set(input.steps.map((s) => s.connector))].filter(consumes);
      // A dry run leaves its inputs pending: the real run still has to read them.
      const applies = input.status === 'completed' && !(await isDryRun(trx, runId));
      if (applies) {
        await recordConsumedInputs(trx, runId, consuming);
        // Incremental listings go on from here next time: only once the run has completed.
        await storeConnectorCursors(trx, runId);
        await recordConsumedByName(trx, runId, input.consumed.filter((c) => consumes(c.connector)));
      }
      // A failed run keeps its merge set: retried, it restages the same inputs, derives the same
      // customer ids and merges the chunks that did not commit.
      await clearRunWorkspace(trx, runId, { keepMergeSet: input.status !== 'completed' });
      if (input.status === 'completed') {
        for (const c of input.consumed) if (c.input.importUpload !== undefined) await removeBulkUpload(trx, c.input.importUpload);
      }
      await releaseFlowLease(trx, runId);
      return applies && !synthetic;
    });
    if (applied) await afterProcessing(db, connectors, runId);
    const report = await loadRunReport(db, runId, REPORT_REJECT_SAMPLE);
    metrics.runFinished(report);
    const { created, updated, unchanged, rejected } = report.totals;
    const fields = { flow: report.flow, status: report.status, trigger: report.trigger, durationMs: report.durationMs, created, updated, unchanged, rejected };
    if (report.status === 'failed') Context.current().log.warn(`run failed: ${report.error ?? 'see its report'}`, fields);
    else Context.current().log.info('run finished', fields);
    await notifier.runFinished(report);
    return report;
  };
}

/**
 * Once a completed run (not a dry run) has recorded its inputs as processed, each connector archives or
 * deletes them as configured. A file that cannot be moved is logged and stays where it
 * is (it is recorded as processed either way): the run's data is already committed.
 */
async function afterProcessing(db: ActivityDeps['db'], connectors: ActivityDeps['connectors'], runId: string) {
  for (const i of await runInputsOf(db, runId)) {
    const connector = connectors(i.connector);
    if (!connector.consumesInputs || !connector.afterProcessed) continue;
    await connector.afterProcessed({ name: i.name, checksum: i.checksum }).catch((error: unknown) => {
      Context.current().log.warn(`${(error as Error).message}; the file stays where it is`);
    });
  }
}
