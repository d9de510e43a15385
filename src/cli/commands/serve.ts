import { Command } from 'commander';
import { planOrderSync } from '../../config/order-plan.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { syncOrder } from '../../operations/orders/sync-order.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { positiveInt } from '../cli-options.js';
import { buildWebhookServer } from '../server/webhook-server.js';

const serveHelp = `Serves order webhooks: POST /webhooks/orders with a JSON body
{"eventId": "...", "customerId": "...", "connector": "..."} (other fields are ignored),
signed with X-Custsync-Signature: sha256=<hex HMAC-SHA256 of the body> under the secret
in the environment variable --secret-env. 202: the event went to its customer's
workflow; 200: handled before; 400: not a valid event; 401: missing or bad signature
(nothing started); 413: body too large; 422: the config cannot sync it; 503: try later.
GET /healthz answers 200. Stops on Ctrl-C or SIGTERM.`;

export interface ServeOptions {
  host: string;
  port: number;
  secretEnv: string;
  connector?: string;
  bodyLimit: number;
}

/** The signing secret from the environment; refused when unset or empty. */
export function webhookSecret(variable: string): string {
  const secret = process.env[variable];
  if (!secret) {
    throw new CliError(`environment variable ${variable} is not set: it holds the secret webhook senders sign with (--secret-env)`);
  }
  return secret;
}

/** `custsync serve`. */
export function serveCommand(ctx: CliContext): Command {
  return new Command('serve')
    .description('serve the order webhook (POST /webhooks/orders, HMAC-signed)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', positiveInt, 8787)
    .option('--secret-env <name>', 'environment variable holding the signing secret', 'CUSTSYNC_WEBHOOK_SECRET')
    .option('--connector <name>', 'connector of events that name none')
    .option('--body-limit <bytes>', 'largest body accepted', positiveInt, 65_536)
    .addHelpText('after', `\n${serveHelp}`)
    .action((o: ServeOptions) => {
      webhookSecret(o.secretEnv);
      return ctx.withOperations((deps) => serve(deps, o));
    });
}

async function serve(deps: OperationDeps, options: ServeOptions): Promise<void> {
  const secret = webhookSecret(options.secretEnv);
  if (options.connector) planOrderSync(deps.config, options.connector, '-'); // fails now, not per request, when the connector cannot take orders
  const app = buildWebhookServer({
    secret,
    bodyLimit: options.bodyLimit,
    ...(options.connector ? { defaultConnector: options.connector } : {}),
    logger: true,
    submit: (connector, customerId, event) => syncOrder(deps, connector, customerId, event),
  });
  const address = await app.listen({ host: options.host, port: options.port });
  process.stderr.write(`serving order webhooks at ${address}/webhooks/orders (Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
}
