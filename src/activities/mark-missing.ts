import { markMissing, setDeletionStatus } from '../db/repositories/deletions.js';
import { flowOfRunId } from '../domain/run-flow.js';
import type { ActivityDeps } from './activity-deps.js';

export interface MarkMissingInput {
  runId: string;
  /** What led to marking: `marked` (below the threshold) or `approved`. */
  status: 'marked' | 'approved';
}

/** Marks the customers the run found missing; returns how many it marked. Idempotent. */
export function markMissingActivity({ db, metrics }: ActivityDeps) {
  return async function markMissingCustomers(input: MarkMissingInput): Promise<number> {
    const marked = await markMissing(db, input.runId, input.status);
    metrics.customersMarkedMissing(flowOfRunId(input.runId), marked);
    return marked;
  };
}

export interface RecordDeletionStatusInput {
  runId: string;
  status: 'awaiting-approval' | 'rejected' | 'timed-out' | 'dry-run' | 'dry-run-needs-approval';
}

/** Records that the run waits for approval, or that its deletions were not approved. */
export function recordDeletionStatusActivity({ db, notifier }: ActivityDeps) {
  return async function recordDeletionStatus(input: RecordDeletionStatusInput): Promise<void> {
    await setDeletionStatus(db, input.runId, input.status);
    if (input.status === 'awaiting-approval') await notifier.deletionsAwaitApproval(input.runId);
  };
}
