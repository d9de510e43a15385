import {
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ORDER_RECEIVED_SIGNAL, orderRunId, type OrderEvent, type OrderSyncInput } from '../domain/order-event.js';
import { rootCauseMessage } from '../domain/root-cause-message.js';
import { ACTIVITY_RETRY } from './activity-retry.js';
import { customerSyncWorkflow } from './customer-sync-workflow.js';

/** An order for the workflow's customer arrived. */
export const orderReceivedSignal = defineSignal<[OrderEvent]>(ORDER_RECEIVED_SIGNAL);

/** What the workflow did with each event: the run that synced the customer for it. */
export interface OrderSyncState {
  pending: string[];
  runs: { runId: string; eventIds: string[]; status: 'running' | 'completed' | 'failed'; error?: string }[];
  /** Events that were repeats of handled ones. */
  repeated: string[];
}
export const orderStateQuery = defineQuery<OrderSyncState>('orderState');

/** Runs of one execution before it continues as new, keeping its history short. */
const RUNS_PER_EXECUTION = 100;

const queued = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: ACTIVITY_RETRY });
/** Claiming is one statement: the worker running the workflow task does it, with no round trip through the server. */
const inWorker = proxyLocalActivities<Activities>({ startToCloseTimeout: '1 minute', retry: ACTIVITY_RETRY });

/**
 * Keeps one customer in sync with the orders that reference it: one workflow per customer
 * (`order/<connector>/<externalId>`, started with signal-with-start), so concurrent orders
 * queue up instead of racing. Events that arrived together are synced by one run of the
 * flow that looks the customer up; an event id handled before does nothing. The
 * workflow completes when no event came for `idleMs`.
 */
export async function orderSyncWorkflow(input: OrderSyncInput): Promise<OrderSyncState> {
  const handled = new Set(input.handled ?? []);
  const pending: OrderEvent[] = [];
  const state: OrderSyncState = { pending: [], runs: [], repeated: [] };
  // Executions recorded before queued their claims.
  const { claimOrderEvents } = patched('order-claims-in-worker') ? inWorker : queued;
  setHandler(orderStateQuery, () => ({ ...state, pending: pending.map((e) => e.eventId) }));
  setHandler(orderReceivedSignal, (event) => {
    if (handled.has(event.eventId) || pending.some((p) => p.eventId === event.eventId)) state.repeated.push(event.eventId);
    else pending.push(event);
  });

  while (await condition(() => pending.length > 0, input.idleMs ?? 30_000)) {
    const batch = pending.splice(0);
    const runId = orderRunId(input.plan.flow, batch[0]!.eventId);
    const fresh = await claimOrderEvents({ connector: input.connector, externalId: input.externalId, events: batch, runId });
    for (const event of batch) handled.add(event.eventId);
    state.repeated.push(...batch.filter((e) => !fresh.includes(e.eventId)).map((e) => e.eventId));
    if (fresh.length === 0) continue;

    const run: OrderSyncState['runs'][number] = { runId, eventIds: fresh, status: 'running' };
    state.runs.push(run);
    try {
      await executeChild(customerSyncWorkflow, { workflowId: runId, args: [input.plan] });
      run.status = 'completed';
    } catch (error) {
      // The failed run says why (custsync runs show); the next order for the customer tries again.
      if (!(error instanceof ChildWorkflowFailure)) throw error;
      run.status = 'failed';
      run.error = rootCauseMessage(error);
    }
    if (pending.length === 0 && (state.runs.length >= RUNS_PER_EXECUTION || workflowInfo().continueAsNewSuggested)) {
      await continueAsNew<typeof orderSyncWorkflow>({ ...input, handled: [...handled].slice(-1_000) });
    }
  }
  return state;
}
