import { Context } from '@temporalio/activity';

/** How often a running activity tells Temporal it is alive; well under the workflow's heartbeat timeout. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * Heartbeats while the activity runs, so that an activity lost with its worker is
 * retried elsewhere after the heartbeat timeout instead of its start-to-close timeout,
 * and so that cancellation reaches it. For activities whose heartbeats carry no
 * progress details (staging heartbeats its own cursor).
 */
export function heartbeating<A extends unknown[], R>(fn: (...args: A) => Promise<R>, everyMs = HEARTBEAT_INTERVAL_MS) {
  return async (...args: A): Promise<R> => {
    const ctx = Context.current();
    // A local activity (a small lookup run's) has no heartbeat: its workflow task stands for it.
    if (ctx.info.isLocal) return fn(...args);
    ctx.heartbeat();
    const timer = setInterval(() => ctx.heartbeat(), everyMs);
    try {
      return await fn(...args);
    } finally {
      clearInterval(timer);
    }
  };
}
