import { condition, continueAsNew, defineQuery, defineSignal, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { PUSH_QUEUED_SIGNAL, type PushTargetInput, type PushWake } from '../domain/push-target.js';
import { ACTIVITY_HEARTBEAT_TIMEOUT, ACTIVITY_RETRY } from './activity-retry.js';

/** Customers were queued for this target. */
export const pushQueuedSignal = defineSignal<[PushWake?]>(PUSH_QUEUED_SIGNAL);

export interface PushTargetState {
  target: string;
  pushed: number;
  failed: number;
  /** Pushes due at the last look. */
  due: number;
}
export const pushStateQuery = defineQuery<PushTargetState>('pushState');

/** Passes of one execution before it continues as new. */
const PASSES_PER_EXECUTION = 500;

const { pushPending } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: ACTIVITY_RETRY,
});

/**
 * Pushes the customers queued for one target (`push/<target>`), woken by signal-with-start
 * whenever a run or a write queues some. It waits `coalesceMs` after a wake-up that asks
 * for it (a write's) so that quick successive changes of a customer become one push of its
 * latest state; a run's wake-up pushes at once, as does a new execution. It pushes until
 * nothing is due, sleeps until the next backed-off push is due, and completes when
 * nothing has been queued for `idleMs`. Customer data never passes through it: the
 * activity reads the queue and the customers from the database.
 */
export async function pushTargetWorkflow(input: PushTargetInput): Promise<PushTargetState> {
  const state: PushTargetState = { target: input.target, pushed: 0, failed: 0, due: 0 };
  // Executions recorded before a wake-up could say whether to gather waited after every wake-up.
  const gatherOnRequest = patched('push-gathers-on-request');
  let woken = true;
  let gather = false;
  setHandler(pushQueuedSignal, (wake) => {
    woken = true;
    if (wake?.coalesce !== false) gather = true;
  });
  setHandler(pushStateQuery, () => state);
  let passes = 0;
  for (;;) {
    if (woken) {
      woken = false;
      const wait = gather || !gatherOnRequest;
      gather = false;
      if (wait) await sleep(input.coalesceMs ?? 2_000);
    }
    const result = await pushPending({
      target: input.target,
      ...(input.maxAttempts ? { maxAttempts: input.maxAttempts } : {}),
      ...(input.concurrency ? { concurrency: input.concurrency } : {}),
    });
    state.pushed += result.pushed;
    state.failed += result.failed;
    state.due = result.due;
    if (++passes >= PASSES_PER_EXECUTION || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof pushTargetWorkflow>(input);
    }
    if (result.due > 0) continue;
    const waitMs = result.nextInMs ?? input.idleMs ?? 60_000;
    const signalled = await condition(() => woken, Math.max(waitMs, 50));
    if (!signalled && result.nextInMs === undefined) return state;
  }
}
