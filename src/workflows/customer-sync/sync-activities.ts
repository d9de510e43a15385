import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { ACTIVITY_HEARTBEAT_TIMEOUT, ACTIVITY_RETRY } from '../activity-retry.js';

// Every activity heartbeats (staging with its read position): one lost with its worker is
// retried on another within the heartbeat timeout, not after its start-to-close timeout.
const heartbeatTimeout = ACTIVITY_HEARTBEAT_TIMEOUT;
const retry = ACTIVITY_RETRY;

/** The activities of a sync run that finish in minutes. */
export const syncActivities = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout, retry });

/** Staging reads a whole input: hours for the largest files. */
export const { stageStep } = proxyActivities<Activities>({ startToCloseTimeout: '4 hours', heartbeatTimeout, retry });

export const { mergeChunk } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout,
  retry,
  // A failing lane cancels the others; cleanup waits until their chunks have really stopped.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
