import { runChangesAfter } from '../db/repositories/change-log.js';
import { queuePushes } from '../db/repositories/customer-pushes.js';
import type { FlowStepPlan } from '../domain/run-types.js';
import type { ActivityDeps } from './activity-deps.js';
import { cameFromTarget } from './echo-filter.js';
import { heartbeat } from './heartbeat.js';

export interface QueuePushesInput {
  runId: string;
  /** The flow's push targets. */
  targets: string[];
  steps: FlowStepPlan[];
}

export interface QueuePushesResult {
  /** Per target: customers queued, and changes not queued because they came from that target. */
  queued: Record<string, number>;
  echoes: Record<string, number>;
}

const PAGE = 5_000;

/**
 * Queues a push to every target for each customer the run created or updated (from the
 * change log), except changes that came from that target; then wakes the targets' push
 * workflows. Queuing again only coalesces with the queued push.
 */
export function queuePushesActivity({ db, wakePushTarget }: ActivityDeps) {
  return async function queuePushesForRun(input: QueuePushesInput): Promise<QueuePushesResult> {
    const queued: Record<string, number> = Object.fromEntries(input.targets.map((t) => [t, 0]));
    const echoes: Record<string, number> = Object.fromEntries(input.targets.map((t) => [t, 0]));
    let after = '0';
    for (;;) {
      const page = await runChangesAfter(db, input.runId, after, PAGE);
      if (page.length === 0) break;
      after = page.at(-1)!.id;
      for (const target of input.targets) {
        const ids = new Set<string>();
        for (const change of page) {
          if (cameFromTarget(change, target, input.steps)) echoes[target]!++;
          else ids.add(change.customerId);
        }
        queued[target]! += await queuePushes(db, target, [...ids], input.runId);
      }
      heartbeat(after);
    }
    for (const target of input.targets) if (queued[target]! > 0) await wakePushTarget(target);
    return { queued, echoes };
  };
}
