import { Command } from 'commander';
import { planOrderSync } from '../../config/order-plan.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { syncOrder } from '../../operations/orders/sync-order.js';
import { ApiTokenError, resolveApiTokens } from '../../server/api-tokens.js';
import { buildServer } from '../../server/build-server.js';
import { consoleLinks } from '../../domain/console-links.js';
import { SessionKeyError, sessionKeyFrom } from '../../server/console/session-key.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { listenAddress, positiveInt } from '../cli-options.js';
import { InvalidArgumentError } from 'commander';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { secretValues } from '../../config/secret-values.js';
import { registerStateMetrics } from '../../operations/state-metrics.js';
import { metricsPage } from '../../server/http-metrics.js';
import type { ListenAddress } from '../../telemetry/listen-address.js';
import { createLogger } from '../../telemetry/logger.js';
import { serveMetrics } from '../../telemetry/metrics-endpoint.js';

const serveHelp = `Serves the platform's HTTP API and the console:
  /                    the console for the data team (users from the config's console.users;
                       sessions sealed with the key in CUSTSYNC_SESSION_KEY, 64 hex digits)
  /api/v1/...          the customer API (bearer tokens from the config's api.tokens);
                       OpenAPI at /api/v1/openapi.json, Swagger UI at /api/docs
  POST /webhooks/orders order events, signed with X-Custsync-Signature:
                       sha256=<hex HMAC-SHA256 of the body> under the secret in the
                       environment variable --secret-env (served when it is set)
  GET /healthz         200 while the process is up
  GET /readyz          200 when the database and Temporal answer, else 503 naming which
  GET /metrics         Prometheus metrics: requests by route and status, review queue, deletion
                       approvals, push and notification backlogs, each flow's last success
                       (--metrics-path, or --metrics :9465 for a port of their own)
Errors are application/problem+json. On Ctrl-C or SIGTERM it stops accepting connections,
finishes the requests in flight, and exits 0.
Logs are JSON lines on stderr (readable text on a terminal; CUSTSYNC_LOG_FORMAT, CUSTSYNC_LOG_LEVEL).`;

export interface ServeOptions {
  host: string;
  port: number;
  secretEnv: string;
  connector?: string;
  bodyLimit: number;
  pool: number;
  metricsPath: string;
  metrics?: ListenAddress;
}

/** `custsync serve`. */
export function serveCommand(ctx: CliContext): Command {
  const command: Command = new Command('serve')
    .description('serve the console, the customer API, the order webhook and health checks')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', positiveInt, 8787)
    .option('--secret-env <name>', 'environment variable holding the webhook signing secret', 'CUSTSYNC_WEBHOOK_SECRET')
    .option('--connector <name>', 'connector of order events that name none')
    .option('--body-limit <bytes>', 'largest order-webhook body accepted', positiveInt, 65_536)
    .option('--pool <n>', 'database connections', positiveInt, 16)
    .option('--metrics-path <path>', 'path of the Prometheus metrics on the server\'s port', metricsPath, '/metrics')
    .option('--metrics <[host:]port>', 'serve the Prometheus metrics on their own port instead (e.g. :9465)', listenAddress)
    .addHelpText('after', `\n${serveHelp}`)
    .action((o: ServeOptions) => {
      const secret = process.env[o.secretEnv] || undefined;
      if (!secret && command.getOptionValueSource('secretEnv') !== 'default') {
        throw new CliError(`environment variable ${o.secretEnv} is not set: it holds the secret webhook senders sign with (--secret-env)`);
      }
      const config = ctx.config().config;
      let tokens;
      try {
        tokens = resolveApiTokens(config.api);
      } catch (error) {
        if (error instanceof ApiTokenError) throw new CliError(`the API tokens cannot be read:\n${error.message}`);
        throw error;
      }
      let session;
      try {
        session = sessionKeyFrom(config.console.sessionKeyVariable);
      } catch (error) {
        if (error instanceof SessionKeyError) throw new CliError(`console.sessionKeyVariable: ${error.message}`);
        throw error;
      }
      return ctx.withOperations((deps) => serve(deps, o, secret, tokens, session, o.metrics), { pool: o.pool });
    });
  return command;
}

async function serve(
  deps: OperationDeps,
  options: ServeOptions,
  secret: string | undefined,
  tokens: ReturnType<typeof resolveApiTokens>,
  session: { key: Buffer; ephemeral: boolean },
  metricsAt: ListenAddress | undefined,
): Promise<void> {
  const log = createLogger({ secrets: secretValues(deps.config, process.env, [options.secretEnv]) });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const state = registerStateMetrics(registry, deps);
  const metrics = { registry, refresh: () => state.refresh(), ...(metricsAt ? {} : { path: options.metricsPath }) };
  if (secret && options.connector) planOrderSync(deps.config, options.connector, '-'); // fails now, not per request, when the connector cannot take orders
  const settings = deps.config.console;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const publicUrl = settings.publicUrl ?? `http://${host}:${options.port}`;
  const app = await buildServer({
    logger: log,
    metrics,
    ...(settings.enabled
      ? {
          console: {
            ops: deps,
            settings,
            links: consoleLinks(publicUrl, settings.temporalUiUrl, deps.temporal.namespace),
            sessionKey: session.key,
            secureCookies: publicUrl.startsWith('https:'),
          },
        }
      : {}),
    api: { deps, tokens, settings: deps.config.api },
    ...(secret
      ? {
          webhook: {
            secret,
            bodyLimit: options.bodyLimit,
            ...(options.connector ? { defaultConnector: options.connector } : {}),
            submit: (connector, customerId, event) => syncOrder(deps, connector, customerId, event),
          },
        }
      : {}),
  });
  const address = await app.listen({ host: options.host, port: options.port });
  const users = Object.keys(settings.users).length;
  const lines = [
    `serving at ${address} (Ctrl-C stops)`,
    settings.enabled
      ? `  console: ${publicUrl}/ (${users} user${users === 1 ? '' : 's'}${settings.trustedHeader ? `, single sign-on through ${settings.trustedHeader.name}` : ''}${session.ephemeral ? `; ${settings.sessionKeyVariable} unset, so sign-ins end when this process does` : ''})`
      : '  console: off (console.enabled)',
    `  customer API: ${address}/api/v1 (${tokens.length} token${tokens.length === 1 ? '' : 's'}; docs at ${address}/api/docs)`,
    secret ? `  order webhooks: ${address}/webhooks/orders` : `  order webhooks: not served (set ${options.secretEnv} to serve them)`,
  ];
  const endpoint = metricsAt ? await serveMetrics({ listen: metricsAt, contentType: registry.contentType, page: metricsPage(metrics) }) : undefined;
  lines.push(`  metrics: ${endpoint ? endpoint.url : `${address}${options.metricsPath}`}`);
  for (const line of lines) log.info(line.trim());
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await endpoint?.close();
}

function metricsPath(value: string): string {
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(value) || value.startsWith('/api/')) {
    throw new InvalidArgumentError('give a path such as /metrics (letters, digits, . _ ~ - /; not under /api/)');
  }
  return value;
}
