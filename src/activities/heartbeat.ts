import { Context } from '@temporalio/activity';

/**
 * Tells Temporal that the running activity is alive, with its progress. A local activity
 * (a small lookup run's) has no heartbeat of its own: the workflow task it runs in stands
 * for it, and Temporal would refuse the heartbeat.
 */
export function heartbeat(details?: unknown): void {
  const ctx = Context.current();
  if (!ctx.info.isLocal) ctx.heartbeat(details);
}
