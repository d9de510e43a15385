import { condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NOTIFICATION_QUEUED_SIGNAL, type NotificationWorkflowInput } from '../domain/notification-queue.js';
import { ACTIVITY_HEARTBEAT_TIMEOUT, ACTIVITY_RETRY } from './activity-retry.js';

/** Messages were queued. */
export const notificationQueuedSignal = defineSignal(NOTIFICATION_QUEUED_SIGNAL);

export interface NotificationState {
  sent: number;
  failed: number;
}
export const notificationStateQuery = defineQuery<NotificationState>('notificationState');

/** Passes of one execution before it continues as new. */
const PASSES_PER_EXECUTION = 500;

const { deliverNotifications } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: ACTIVITY_RETRY,
});

/**
 * Delivers queued notifications (`notifications`), woken by signal-with-start whenever
 * something queues one: sends what is due, sleeps until the next retry or reminder is due,
 * and completes when nothing is pending for `idleMs`. Syncs only queue messages, so a
 * target that is down never holds one up. Message text passes through the database only.
 */
export async function notificationWorkflow(input: NotificationWorkflowInput): Promise<NotificationState> {
  const state: NotificationState = { sent: 0, failed: 0 };
  let woken = true;
  setHandler(notificationQueuedSignal, () => void (woken = true));
  setHandler(notificationStateQuery, () => state);
  let passes = 0;
  for (;;) {
    woken = false;
    const result = await deliverNotifications();
    state.sent += result.sent;
    state.failed += result.failed;
    if (++passes >= PASSES_PER_EXECUTION || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof notificationWorkflow>(input);
    }
    if (result.due > 0) continue;
    const waitMs = result.nextInMs ?? input.idleMs ?? 60_000;
    const signalled = await condition(() => woken, Math.max(waitMs, 50));
    if (!signalled && result.nextInMs === undefined) return state;
  }
}
