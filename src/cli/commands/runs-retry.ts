import { randomUUID } from 'node:crypto';
import { Client, type ConnectionLike } from '@temporalio/client';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import { CliError } from '../cli-error.js';

export const runsRetryHelp = `Retries a failed run from its start, under the same run id, after the cause has
been fixed (config, data, a database that was down). Customers the failed attempt
already merged are not merged twice; the result equals an undisturbed run.
Equivalent to "Reset" to the first workflow task in the Temporal UI, or:
  temporal workflow reset --workflow-id <run-id> --type FirstWorkflowTask --reason retry`;

const RETRYABLE = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED']);

/** Resets a failed run to its first workflow task; prints the new execution's run id. */
export async function retryRun(connection: ConnectionLike, temporal: TemporalSettings, runId: string): Promise<void> {
  const client = new Client({ connection, namespace: temporal.namespace });
  const handle = client.workflow.getHandle(runId);
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch {
    throw new CliError(`no run "${runId}" in Temporal namespace ${temporal.namespace}; list runs with: custsync runs list`);
  }
  if (!RETRYABLE.has(status)) {
    throw new CliError(`run ${runId} is ${status.toLowerCase()}; only a failed, terminated, timed-out or cancelled run can be retried`);
  }
  const history = await handle.fetchHistory();
  const firstTask = history.events?.find((e) => e.workflowTaskCompletedEventAttributes);
  if (!firstTask?.eventId) throw new CliError(`run ${runId} never started a workflow task; start a new run instead`);
  const response = await connection.workflowService.resetWorkflowExecution({
    namespace: temporal.namespace,
    workflowExecution: { workflowId: runId },
    reason: 'custsync runs retry',
    workflowTaskFinishEventId: firstTask.eventId,
    requestId: randomUUID(),
  });
  console.log(`retrying ${runId} (execution ${response.runId}); follow it with: custsync runs show ${runId}`);
}
