import { defineQuery, proxyActivities, setHandler, sleep, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ACTIVITY_HEARTBEAT_TIMEOUT, ACTIVITY_RETRY } from './activity-retry.js';
import { formatDuration } from '../domain/format-duration.js';

/** The one input of `deletionGraceWorkflow`. */
export interface DeletionGraceInput {
  flow: string;
  /** The run that marked the customers missing. */
  markRunId: string;
  marked: number;
  gracePeriodMs: number;
  retentionMs: number;
}

export type DeletionGracePhase = 'grace-period' | 'retention' | 'done';

export interface DeletionGraceStatus {
  phase: DeletionGracePhase;
  markRunId: string;
  marked: number;
  deleteAt: string;
  purgeAt?: string;
  deleted?: number;
  foundByLookup?: number;
  purged?: number;
}

/** Where a run's missing customers stand: the Temporal UI and `custsync runs show` query it. */
export const deletionStatusQuery = defineQuery<DeletionGraceStatus>('deletionStatus');

const { deleteMissing, purgeDeletedCustomers } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: ACTIVITY_RETRY,
});

/**
 * Holds one run's missing customers through their grace period on a durable timer,
 * soft-deletes those still missing, then purges them after the retention period.
 * Customers that came back in the meantime are no longer missing and are left alone.
 */
export async function deletionGraceWorkflow(input: DeletionGraceInput): Promise<DeletionGraceStatus> {
  const changeRunId = workflowInfo().workflowId;
  const started = workflowInfo().startTime.getTime();
  const status: DeletionGraceStatus = {
    phase: 'grace-period',
    markRunId: input.markRunId,
    marked: input.marked,
    deleteAt: new Date(started + input.gracePeriodMs).toISOString(),
  };
  setHandler(deletionStatusQuery, () => status);
  upsertMemo({ phase: status.phase, deleteAt: status.deleteAt });

  await sleep(input.gracePeriodMs);
  const result = await deleteMissing({
    markRunId: input.markRunId,
    changeRunId,
    gracePeriod: formatDuration(input.gracePeriodMs),
  });
  status.deleted = result.deleted;
  status.foundByLookup = result.foundByLookup;
  if (result.deleted === 0) {
    status.phase = 'done';
    upsertMemo({ phase: status.phase, deleted: 0 });
    return status;
  }

  status.phase = 'retention';
  status.purgeAt = new Date(Date.now() + input.retentionMs).toISOString();
  upsertMemo({ phase: status.phase, deleted: status.deleted, purgeAt: status.purgeAt });
  await sleep(input.retentionMs);
  status.purged = await purgeDeletedCustomers({ markRunId: input.markRunId, changeRunId });
  status.phase = 'done';
  upsertMemo({ phase: status.phase, purged: status.purged });
  return status;
}
