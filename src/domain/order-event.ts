import type { CustomerSyncInput } from './run-types.js';

/** Signal name: an order event for the customer of an order workflow. */
export const ORDER_RECEIVED_SIGNAL = 'orderReceived';

/** An order that references a customer, as the webhook or the CLI received it. */
export interface OrderEvent {
  /** The sender's id of the event; an event id is handled once, whatever arrives again. */
  eventId: string;
  /** `webhook` or `cli`. */
  via: 'webhook' | 'cli';
  receivedAt: string;
}

/** The one input of `orderSyncWorkflow`: the customer it keeps in sync, and how a run of it is planned. */
export interface OrderSyncInput {
  connector: string;
  externalId: string;
  /** A run of the flow whose source is the connector, reading only this customer (looked up). */
  plan: CustomerSyncInput;
  /** How long the workflow waits for more events after the last one before it completes; default 30 s. */
  idleMs?: number;
  /** Events handled in earlier executions (continue-as-new). */
  handled?: string[];
}

/** One workflow per customer: concurrent orders for a customer queue up in it instead of racing. */
export function orderWorkflowId(connector: string, externalId: string): string {
  return `order/${connector}/${externalId}`;
}

/** The run that syncs the customer for an event (or for several events that arrived together). */
export function orderRunId(flow: string, eventId: string): string {
  return `sync/${flow}/order-${eventId}`;
}
