import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { orderEventRun } from '../../db/repositories/order-events.js';
import { ORDER_RECEIVED_SIGNAL, orderWorkflowId, type OrderEvent, type OrderSyncInput } from '../../domain/order-event.js';
import { followRun, type FollowOutcome, type FollowRunOptions } from '../follow-run.js';
import type { orderSyncWorkflow } from '../../workflows/order-sync-workflow.js';

/** What became of a submitted order event. */
export type SubmittedOrder =
  | { status: 'accepted'; eventId: string; workflowId: string }
  /** The event was handled before, by this run: nothing was started. */
  | { status: 'duplicate'; eventId: string; runId: string };

/**
 * Hands an order event to its customer's workflow (signal-with-start: started if it is
 * not running). An event id already handled is not sent again.
 */
export async function submitOrderEvent(
  client: Client,
  db: Kysely<Database>,
  taskQueue: string,
  plan: OrderSyncInput,
  event: OrderEvent,
): Promise<SubmittedOrder> {
  const handledBy = await orderEventRun(db, event.eventId);
  if (handledBy) return { status: 'duplicate', eventId: event.eventId, runId: handledBy };
  const workflowId = orderWorkflowId(plan.connector, plan.externalId);
  await client.workflow.signalWithStart<typeof orderSyncWorkflow, [OrderEvent]>('orderSyncWorkflow', {
    workflowId,
    taskQueue,
    args: [plan],
    signal: ORDER_RECEIVED_SIGNAL,
    signalArgs: [event],
    memo: { connector: plan.connector, externalId: plan.externalId, flow: plan.plan.flow },
    staticSummary: `orders for ${plan.connector}:${plan.externalId} (flow ${plan.plan.flow})`,
  });
  return { status: 'accepted', eventId: event.eventId, workflowId };
}

/** An order's run starts within tens of milliseconds: look again soon, then less and less often. */
const FIRST_LOOK_AGAIN_MS = 10;
const LAST_LOOK_AGAIN_MS = 80;

/** Waits until the event has a run (the customer's workflow claimed it); undefined after `timeoutMs`. */
export async function waitForOrderRun(db: Kysely<Database>, eventId: string, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = FIRST_LOOK_AGAIN_MS; ; delay = Math.min(delay * 2, LAST_LOOK_AGAIN_MS)) {
    const runId = await orderEventRun(db, eventId);
    if (runId || Date.now() >= deadline) return runId;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * What became of the run that synced the customer for an event: waits until a run took the
 * event and has started (a run is claimed just before it starts), then follows it to its end
 * (see {@link followRun}). Undefined when no run took the event within `timeoutMs`.
 */
export async function orderRunOutcome(
  client: Client,
  db: Kysely<Database>,
  eventId: string,
  timeoutMs: number,
  follow: Pick<FollowRunOptions, 'reconnectForMs' | 'say'> = { say: () => undefined },
): Promise<{ runId: string; outcome: FollowOutcome } | undefined> {
  const deadline = Date.now() + timeoutMs;
  const runId = await waitForOrderRun(db, eventId, timeoutMs);
  if (!runId) return undefined;
  const handle = client.workflow.getHandle(runId);
  for (;;) {
    try {
      await handle.describe();
      break;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, FIRST_LOOK_AGAIN_MS));
    }
  }
  // An order run reads one customer and never deletes: it never waits for an approval.
  return { runId, outcome: await followRun(handle, { ...follow, stopAtApproval: false }) };
}
