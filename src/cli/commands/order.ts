import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { CustsyncConfig } from '../../config/config-schema.js';
import { OrderPlanError, planOrderSync } from '../../config/order-plan.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import type { DatabaseHandle } from '../../db/connect.js';
import type { RunReport } from '../../domain/run-types.js';
import { CliError } from '../cli-error.js';
import { formatReport } from '../format-report.js';
import { orderRunOutcome, submitOrderEvent } from '../orders/submit-order-event.js';
import { connectTemporal, reportOrExit } from './run-flow.js';

export const orderHelp = `Syncs the customer an order references, as an order event would: the flow
whose source is <connector> looks <externalId> up there; an unknown customer is
created, a known and changed one updated, an unchanged one left as it is. Events
go to the customer's workflow (order/<connector>/<externalId>), so orders for one
customer never race; an event id handled before does nothing. Prints the run's
report; exits 1 when the run fails.`;

export interface OrderOptions {
  flow?: string;
  eventId?: string;
  json?: boolean;
  wait: boolean;
  /** How long to keep trying while Temporal is unreachable (default 5 minutes). */
  reconnectForMs?: number;
}

export async function syncOrder(
  config: CustsyncConfig,
  temporal: TemporalSettings,
  client: Client,
  database: DatabaseHandle,
  connector: string,
  externalId: string,
  options: OrderOptions,
): Promise<RunReport | undefined> {
  let plan;
  try {
    plan = planOrderSync(config, connector, externalId, { flow: options.flow });
  } catch (error) {
    if (error instanceof OrderPlanError) throw new CliError(error.message);
    throw error;
  }
  const eventId = options.eventId ?? `cli-${Date.now()}-${randomBytes(3).toString('hex')}`;
  const submitted = await submitOrderEvent(client, database.db, temporal.taskQueue, plan, {
    eventId,
    via: 'cli',
    receivedAt: new Date().toISOString(),
  });
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (submitted.status === 'duplicate') {
    if (options.json) console.log(JSON.stringify(submitted));
    else console.log(`event ${eventId} was handled before, by run ${submitted.runId}: nothing to do`);
    return undefined;
  }
  say(`event ${eventId} → ${submitted.workflowId}`);
  if (!options.wait) {
    if (options.json) console.log(JSON.stringify(submitted));
    return undefined;
  }
  const followConnection = await connectTemporal(temporal, { quickRetries: true });
  const done = await orderRunOutcome(
    new Client({ connection: followConnection, namespace: temporal.namespace }),
    database.db,
    eventId,
    120_000,
    { reconnectForMs: options.reconnectForMs, say },
  ).finally(() => followConnection.close().catch(() => undefined));
  if (!done) {
    throw new CliError(
      `no run took event ${eventId} within 2 minutes; is a worker polling task queue "${temporal.taskQueue}"? (custsync worker)`,
    );
  }
  say(`run ${done.runId}`);
  const report = reportOrExit(done.runId, done.outcome);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report;
}
