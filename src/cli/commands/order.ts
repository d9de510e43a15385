import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { Command } from 'commander';
import { orderRunOutcome } from '../../operations/orders/submit-order-event.js';
import { syncOrder } from '../../operations/orders/sync-order.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { reconnectForOption } from '../cli-options.js';
import { connectTemporal } from '../connect-temporal.js';
import { reportOrExit } from '../follow-and-report.js';
import { formatReport } from '../format-report.js';

const orderHelp = `Syncs the customer an order references, as an order event would: the flow
whose source is <connector> looks <externalId> up there; an unknown customer is
created, a known and changed one updated, an unchanged one left as it is. Events
go to the customer's workflow (order/<connector>/<externalId>), so orders for one
customer never race; an event id handled before does nothing. Prints the run's
report; exits 1 when the run fails.`;

/** How long `order` waits for a run to take its event. */
const RUN_TAKES_EVENT_WITHIN_MS = 120_000;

/** `custsync order <connector> <externalId>`. */
export function orderCommand(ctx: CliContext): Command {
  return new Command('order')
    .description('sync the customer an order references (as an order event would)')
    .argument('<connector>', 'the connector the customer id belongs to')
    .argument('<externalId>', "the customer's id in that connector")
    .option('--flow <flow>', 'the flow to sync through, when several have the connector as their source')
    .option('--event-id <id>', 'the order event id (default: a new one); an id handled before does nothing')
    .option('--no-wait', 'hand the event on and return at once')
    .option('--json', 'print the report as JSON')
    .addOption(reconnectForOption())
    .addHelpText('after', `\n${orderHelp}`)
    .action((connector: string, externalId: string, o: { flow?: string; eventId?: string; wait: boolean; json?: boolean; reconnectFor: number }) =>
      ctx.withOperations((deps) => syncOrderAndReport(deps, connector, externalId, { ...o, reconnectForMs: o.reconnectFor })),
    );
}

/** Options of {@link syncOrderAndReport}. */
export interface OrderOptions {
  flow?: string;
  /** Default: a new one. */
  eventId?: string;
  /** false: hand the event on and return. */
  wait: boolean;
  json?: boolean;
  /** How long to keep trying while Temporal is unreachable (default 5 minutes). */
  reconnectForMs?: number;
}

/** Hands an order event on and follows the run that takes it to its report. */
export async function syncOrderAndReport(deps: OperationDeps, connector: string, externalId: string, o: OrderOptions): Promise<void> {
  const eventId = o.eventId ?? `cli-${Date.now()}-${randomBytes(3).toString('hex')}`;
  const submitted = await syncOrder(deps, connector, externalId, { eventId, via: 'cli', receivedAt: new Date().toISOString() }, o.flow ? { flow: o.flow } : {});
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (submitted.status === 'duplicate') {
    if (o.json) console.log(JSON.stringify(submitted));
    else console.log(`event ${eventId} was handled before, by run ${submitted.runId}: nothing to do`);
    return;
  }
  say(`event ${eventId} → ${submitted.workflowId}`);
  if (!o.wait) {
    if (o.json) console.log(JSON.stringify(submitted));
    return;
  }
  const followConnection = await connectTemporal(deps.temporal, { quickRetries: true });
  const done = await orderRunOutcome(
    new Client({ connection: followConnection, namespace: deps.temporal.namespace }),
    deps.db,
    eventId,
    RUN_TAKES_EVENT_WITHIN_MS,
    { reconnectForMs: o.reconnectForMs, say },
  ).finally(() => followConnection.close().catch(() => undefined));
  if (!done) {
    throw new CliError(`no run took event ${eventId} within 2 minutes; is a worker polling task queue "${deps.temporal.taskQueue}"? (custsync worker)`);
  }
  say(`run ${done.runId}`);
  const report = reportOrExit(done.runId, done.outcome);
  console.log(o.json ? JSON.stringify(report, null, 2) : formatReport(report));
  if (report.status === 'failed') process.exitCode = 1;
}
