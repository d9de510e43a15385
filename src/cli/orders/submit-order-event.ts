import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { orderEventRun } from '../../db/repositories/order-events.js';
import { ORDER_RECEIVED_SIGNAL, orderWorkflowId, type OrderEvent, type OrderSyncInput } from '../../domain/order-event.js';
import { rootCauseMessage } from '../../domain/root-cause-message.js';
import type { RunReport } from '../../domain/run-types.js';
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

/** Waits until the event has a run (the customer's workflow claimed it); undefined after `timeoutMs`. */
export async function waitForOrderRun(db: Kysely<Database>, eventId: string, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runId = await orderEventRun(db, eventId);
    if (runId || Date.now() >= deadline) return runId;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The report of the run that synced the customer for an event: waits until a run took the
 * event and has started (a run is claimed just before it starts), then for its end.
 * Undefined when no run took the event within `timeoutMs`; a failed run gives its root cause.
 */
export async function orderRunReport(
  client: Client,
  db: Kysely<Database>,
  eventId: string,
  timeoutMs: number,
): Promise<{ runId: string; report: RunReport } | { runId: string; failure: string } | undefined> {
  const deadline = Date.now() + timeoutMs;
  const runId = await waitForOrderRun(db, eventId, timeoutMs);
  if (!runId) return undefined;
  for (;;) {
    try {
      return { runId, report: (await client.workflow.getHandle(runId).result()) as RunReport };
    } catch (error) {
      if (error instanceof WorkflowFailedError) return { runId, failure: rootCauseMessage(error) };
      if (!(error instanceof WorkflowNotFoundError) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
