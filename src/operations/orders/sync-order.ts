import { OrderPlanError, planOrderSync } from '../../config/order-plan.js';
import type { OrderEvent } from '../../domain/order-event.js';
import { OperationError } from '../../domain/operation-error.js';
import type { OperationDeps } from '../operation-deps.js';
import { submitOrderEvent, type SubmittedOrder } from './submit-order-event.js';

/**
 * Syncs the customer an order references, as an order event does: the event goes to the
 * customer's workflow (`order/<connector>/<customer id>`), through the flow whose source is
 * the connector (or the one named); an event id handled before does nothing.
 */
export async function syncOrder(
  { db, client, temporal, config }: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  connector: string,
  customerId: string,
  event: OrderEvent,
  options: { flow?: string } = {},
): Promise<SubmittedOrder> {
  let plan;
  try {
    plan = planOrderSync(config, connector, customerId, options.flow ? { flow: options.flow } : {});
  } catch (error) {
    if (error instanceof OrderPlanError) throw new OperationError('invalid', error.message);
    throw error;
  }
  return submitOrderEvent(client, db, temporal.taskQueue, plan, event);
}
