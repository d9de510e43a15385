import { ActivityCancellationType, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { CustomerSyncInput } from '../../domain/run-types.js';
import { ACTIVITY_HEARTBEAT_TIMEOUT, ACTIVITY_RETRY } from '../activity-retry.js';

/** The activities a run's phases call. */
const SYNC_ACTIVITY_NAMES = [
  'beginRun',
  'selectInputs',
  'stageStep',
  'matchStep',
  'planMerge',
  'mergeChunk',
  'checkMissing',
  'markMissingCustomers',
  'recordDeletionStatus',
  'queuePushes',
  'findDuplicates',
  'applySurvivorship',
  'finishRun',
] as const;
export type SyncActivities = Pick<Activities, (typeof SYNC_ACTIVITY_NAMES)[number]>;

/** The run's activities from one proxy (a proxy lists none of its own: each is read by name). */
const pick = (proxy: Activities): SyncActivities => Object.fromEntries(SYNC_ACTIVITY_NAMES.map((name) => [name, proxy[name]])) as SyncActivities;

/** Customers a lookup run may name and still run its activities inside the worker's workflow task. */
export const LOCAL_LOOKUP_LIMIT = 20;

// Every activity heartbeats (staging with its read position): one lost with its worker is
// retried on another within the heartbeat timeout, not after its start-to-close timeout.
const retry = ACTIVITY_RETRY;

/** The run's queued activities, each a task of its own that any worker of the task queue may take. */
function queuedActivities(heartbeatTimeout: string | number): SyncActivities {
  /** The activities of a sync run that finish in minutes. */
  const minutes = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout, retry });
  /** Staging reads a whole input, the duplicates check keys every customer an import created, changed rules go over every customer: hours for the largest. */
  const { stageStep, findDuplicates, applySurvivorship } = proxyActivities<Activities>({ startToCloseTimeout: '4 hours', heartbeatTimeout, retry });
  const { mergeChunk } = proxyActivities<Activities>({
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout,
    retry,
    // A failing lane cancels the others; cleanup waits until their chunks have really stopped.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  return { ...pick(minutes), stageStep, findDuplicates, applySurvivorship, mergeChunk };
}

const queued = queuedActivities(ACTIVITY_HEARTBEAT_TIMEOUT);

/**
 * Local activities: run by the worker that runs the workflow task, each result recorded with
 * the task's completion: no round trip through the server per activity.
 */
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
const inWorker = pick(local);

/**
 * The activities of one run. A lookup of a few customers (an order's run) is seconds of work
 * at most: its activities run inside the workflow task (an order's customer is there in a
 * few hundred milliseconds instead of a second); every other run queues each activity.
 */
export function activitiesOf(input: CustomerSyncInput): SyncActivities {
  const small = input.lookup !== undefined && input.lookup.length <= LOCAL_LOOKUP_LIMIT;
  // Lookup runs recorded before queued every activity.
  if (small && patched('lookup-runs-in-worker')) return inWorker;
  return input.heartbeatTimeoutMs !== undefined ? queuedActivities(input.heartbeatTimeoutMs) : queued;
}
