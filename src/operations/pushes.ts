import { customerPushStates, pendingPushCount, pushStatus, queuePushes, retryFailedPushes, type PushProblem, type PushSummary } from '../db/repositories/customer-pushes.js';
import { wakePushTarget } from '../temporal/wake-workflows.js';
import type { OperationDeps } from './operation-deps.js';

/** Pushes per target, and the pending and failed ones with their errors. */
export async function showPushStatus(
  { db }: Pick<OperationDeps, 'db'>,
  options: { target?: string } = {},
): Promise<{ summary: PushSummary[]; problems: PushProblem[] }> {
  return pushStatus(db, options);
}

/** Queues the failed pushes (of one target, or all) again and wakes their targets. */
export async function retryPushes(
  { db, client, temporal, config }: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  target?: string,
): Promise<{ queued: number; targets: string[] }> {
  const queued = await retryFailedPushes(db, target);
  const targets = (await pushStatus(db, { ...(target ? { target } : {}), limit: 0 })).summary.filter((s) => s.pending > 0).map((s) => s.target);
  for (const t of targets) await wakePushTarget(client, temporal.taskQueue, t, config.push);
  return { queued, targets };
}

/** Queues customers for every push target of a flow (as a run of it would) and wakes those targets; the targets. */
export async function pushForFlow(
  deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  flow: string,
  customerIds: readonly string[],
  queuedBy: string,
): Promise<string[]> {
  return pushToTargets(deps, deps.config.flows[flow]?.pushTo ?? [], customerIds, queuedBy);
}

/**
 * Queues customers for these push targets and wakes them; the targets (none when there are no
 * customers). With `wakeLater`, a target that cannot be woken now stays queued (the next change
 * or `push retry` wakes it) instead of failing the call.
 */
export async function pushToTargets(
  { db, client, temporal, config }: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  targets: readonly string[],
  customerIds: readonly string[],
  queuedBy: string,
  options: { wakeLater?: boolean } = {},
): Promise<string[]> {
  if (customerIds.length === 0) return [];
  for (const target of targets) {
    await queuePushes(db, target, customerIds, queuedBy);
    const woken = wakePushTarget(client, temporal.taskQueue, target, config.push);
    await (options.wakeLater ? woken.catch(() => undefined) : woken);
  }
  return [...targets];
}

/** Where one customer's pushes stand, per target. */
export async function customerPushes({ db }: Pick<OperationDeps, 'db'>, customerId: string): Promise<Awaited<ReturnType<typeof customerPushStates>>> {
  return customerPushStates(db, customerId);
}

/** How many customer pushes are queued or being retried, over all targets. */
export async function pendingPushes({ db }: Pick<OperationDeps, 'db'>): Promise<number> {
  return pendingPushCount(db);
}
