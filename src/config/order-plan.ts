import { orderWorkflowId, type OrderSyncInput } from '../domain/order-event.js';
import { connectorModuleOf } from '../connectors/connector-registry.js';
import type { CustsyncConfig } from './config-schema.js';
import { planFlow } from './flow-plan.js';

/** Why an order cannot be synced with this config: what is wrong and how to fix it. */
export class OrderPlanError extends Error {
  override readonly name = 'OrderPlanError';
}

/**
 * Plans the sync of one customer an order references: the flow whose source is the
 * connector (or `flow`), reading only that customer by lookup, without enrichment steps
 * (the flow's next full run enriches it) and without deletions.
 */
export function planOrderSync(
  config: CustsyncConfig,
  connector: string,
  externalId: string,
  options: { flow?: string; idleMs?: number } = {},
): OrderSyncInput {
  const definition = config.connectors[connector];
  if (!definition) {
    const known = Object.keys(config.connectors).join(', ') || 'none';
    throw new OrderPlanError(`unknown connector "${connector}"; configured connectors: ${known}`);
  }
  const module = connectorModuleOf(definition.type);
  if (!module?.capabilities.includes('lookup')) {
    throw new OrderPlanError(
      `connector ${connector} (${definition.type}) cannot look a customer up, so orders cannot sync through it; ` +
        'use a connector with lookup (oms, jsonl-file)',
    );
  }
  const flows = Object.entries(config.flows)
    .filter(([, f]) => f.source.type === 'connector' && f.source.connector === connector)
    .map(([name]) => name);
  let flow = options.flow;
  if (flow !== undefined && !flows.includes(flow)) {
    throw new OrderPlanError(`flow "${flow}" does not have connector ${connector} as its source; flows that do: ${flows.join(', ') || 'none'}`);
  }
  if (flow === undefined) {
    if (flows.length === 0) throw new OrderPlanError(`no flow has connector ${connector} as its source; add one, e.g. flows.<name>.source.connector: ${connector}`);
    if (flows.length > 1) throw new OrderPlanError(`flows ${flows.join(', ')} all have connector ${connector} as their source; say which with --flow`);
    flow = flows[0]!;
  }
  if (externalId.trim() === '') throw new OrderPlanError('the customer id is empty');
  const plan = planFlow(config, flow, { trigger: 'order-event' });
  delete plan.deletion;
  return {
    connector,
    externalId,
    ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}),
    plan: { ...plan, steps: plan.steps.slice(0, 1), lookup: [externalId], lease: orderWorkflowId(connector, externalId) },
  };
}
