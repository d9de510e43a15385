import { randomUUID } from 'node:crypto';
import { rejectedRecordsOf, type RejectedRecordWithOutcome } from '../db/repositories/rejected-records.js';
import { missingCandidates } from '../db/repositories/deletions.js';
import { loadRunReport } from '../db/repositories/run-reports.js';
import { loadPreviews } from '../db/repositories/run-previews.js';
import { latestRunPerFlow, latestRuns, runExists, type RunFilter, type RunRow } from '../db/repositories/sync-runs.js';
import type { RunReport } from '../domain/run-types.js';
import { OperationError } from '../domain/operation-error.js';
import { spreadsheetSafe } from '../domain/spreadsheet-cell.js';
import type { OperationDeps } from './operation-deps.js';

export type { RunFilter, RunRow };

/** Rejected records a report includes unless asked for another number. */
export const DEFAULT_REPORT_REJECTS = 50;

/** The latest runs matching the filter, newest first; default the last 20. */
export async function listRuns({ db }: Pick<OperationDeps, 'db'>, options: RunFilter & { limit?: number } = {}): Promise<RunRow[]> {
  return latestRuns(db, { ...options, limit: options.limit ?? 20 });
}

/** Each configured flow's latest run. */
export async function lastRunOfEachFlow({ db, config }: Pick<OperationDeps, 'db' | 'config'>): Promise<RunRow[]> {
  return latestRunPerFlow(db, Object.keys(config.flows));
}

async function requireRun(db: OperationDeps['db'], runId: string): Promise<void> {
  if (!(await runExists(db, runId))) throw new OperationError('not-found', `no run "${runId}"; list runs with: custsync runs list`);
}

/** A run's report: per-step and per-input counts, deletions, and up to `rejected` rejected records (default 50). */
export async function showRun({ db }: Pick<OperationDeps, 'db'>, runId: string, options: { rejected?: number } = {}): Promise<RunReport> {
  await requireRun(db, runId);
  return loadRunReport(db, runId, options.rejected ?? DEFAULT_REPORT_REJECTS);
}

/** The columns of a run's rejected records as CSV (`runs rejects`, the console's download). */
export const REJECT_COLUMNS = ['step', 'source', 'line', 'customer_code', 'customer', 'field', 'reason', 'raw'] as const;

/** A rejected record as a row of `REJECT_COLUMNS` for a CSV file: text that a spreadsheet would run as a formula is neutralized. */
export function rejectRow(r: RejectedRecordWithOutcome): (string | number)[] {
  const safe = spreadsheetSafe;
  return [r.step_index + 1, safe(r.source), r.line, safe(r.external_id ?? ''), safe(r.customer_outcome), safe(r.field ?? ''), safe(r.reason), safe(r.raw ?? '')];
}

/** Every record a run rejected, in batches, in the order the inputs held them. */
export async function runRejects({ db }: Pick<OperationDeps, 'db'>, runId: string): Promise<AsyncIterable<RejectedRecordWithOutcome[]>> {
  await requireRun(db, runId);
  return rejectedRecordsOf(db, runId);
}

const RETRYABLE = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']);

/** Retries a failed run from its start under the same id (a reset to its first workflow task); the new execution's id. */
export async function retryRun({ client, temporal }: Pick<OperationDeps, 'client' | 'temporal'>, runId: string): Promise<{ executionId: string }> {
  const handle = client.workflow.getHandle(runId);
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch {
    throw new OperationError('not-found', `no run "${runId}" in Temporal namespace ${temporal.namespace}; list runs with: custsync runs list`);
  }
  if (!RETRYABLE.has(status)) {
    throw new OperationError('conflict', `run ${runId} is ${status.toLowerCase()}; only a failed, terminated, timed-out or cancelled run can be retried`);
  }
  const history = await handle.fetchHistory();
  const firstTask = history.events?.find((e) => e.workflowTaskCompletedEventAttributes);
  if (!firstTask?.eventId) throw new OperationError('conflict', `run ${runId} never started a workflow task; start a new run instead`);
  const response = await client.workflowService.resetWorkflowExecution({
    namespace: temporal.namespace,
    workflowExecution: { workflowId: runId },
    reason: 'custsync runs retry',
    workflowTaskFinishEventId: firstTask.eventId,
    requestId: randomUUID(),
  });
  return { executionId: response.runId ?? '' };
}

/** What a dry run would have done: each customer it would create, hold or update (with its diff), and those it would mark missing. */
export async function dryRunPreview({ db }: Pick<OperationDeps, 'db'>, runId: string) {
  const [previews, missing] = await Promise.all([loadPreviews(db, runId), missingCandidates(db, runId, 1_000_000)]);
  return { previews, missing };
}
