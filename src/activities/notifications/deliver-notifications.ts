import { dueNotifications, nextNotificationInMs, settleNotification, type DeliveryOutcome, type DueNotification } from '../../db/repositories/notification-outbox.js';
import { runAwaitingApproval } from '../../db/repositories/sync-runs.js';
import type { ActivityDeps } from '../activity-deps.js';
import { notificationBody } from './notification-body.js';
import { heartbeat } from '../heartbeat.js';

export interface DeliverNotificationsResult {
  sent: number;
  failed: number;
  /** Messages still due now. */
  due: number;
  /** When the next pending message (a retry, a reminder) is due. */
  nextInMs?: number;
}

/** Backoff of a message its target did not take: 5 s, 10 s, 20 s, … up to 10 minutes. */
export function notificationBackoffMs(attempts: number): number {
  return Math.min(5_000 * 2 ** attempts, 600_000);
}

/** Per attempt; a target slower than this is retried later. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Sends the due messages to their targets (POST, JSON), in queue order: a 2xx answer settles
 * one as sent; anything else is retried with backoff until `maxAttempts`, then marked failed.
 * A reminder of deletions already decided is skipped. Errors name the target, never its URL
 * (a secret). Idempotent: only pending messages are sent and settled.
 */
export function deliverNotificationsActivity({ db, notificationTargets, notificationMaxAttempts, metrics }: ActivityDeps) {
  return async function deliverNotifications(): Promise<DeliverNotificationsResult> {
    let sent = 0;
    let failed = 0;
    const deliverOne = async (n: DueNotification): Promise<DeliveryOutcome> => {
      if (n.event.type === 'deletion-approval-reminder' && !(await runAwaitingApproval(db, n.event.runId))) {
        return { kind: 'skipped', reason: 'the deletions were decided (or timed out) before the reminder was due' };
      }
      const target = notificationTargets.get(n.target);
      if (!target) return { kind: 'failed', error: `target ${n.target} is no longer configured (notifications.targets)` };
      let error: string;
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'custsync-notifications' },
          body: JSON.stringify(notificationBody(target.type, n)),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await response.body?.cancel();
        if (response.ok) return { kind: 'sent' };
        error = `target ${n.target} answered ${response.status} ${response.statusText}`.trim();
      } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code;
        error = (e as Error).name === 'TimeoutError' ? `target ${n.target} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s` : `target ${n.target} unreachable${cause ? ` (${cause})` : ''}`;
      }
      if (n.attempts + 1 >= notificationMaxAttempts) return { kind: 'failed', error: `${error} (gave up after ${notificationMaxAttempts} attempts)` };
      return { kind: 'retry', error, afterMs: notificationBackoffMs(n.attempts) };
    };
    const due = await dueNotifications(db, 50);
    for (const n of due) {
      const outcome = await deliverOne(n);
      await settleNotification(db, n.id, outcome);
      metrics.notificationSettled(outcome.kind);
      if (outcome.kind === 'sent') sent++;
      if (outcome.kind === 'failed') failed++;
      heartbeat({ sent, failed });
    }
    const nextInMs = await nextNotificationInMs(db);
    return { sent, failed, due: nextInMs === 0 ? 1 : 0, ...(nextInMs !== undefined && nextInMs > 0 ? { nextInMs } : {}) };
  };
}
