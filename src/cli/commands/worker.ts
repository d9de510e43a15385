import { Command, Option } from 'commander';
import type { CustsyncConfig } from '../../config/config-schema.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import { redactUrl } from '../../db/connect.js';
import { openDatabase } from '../../db/open-database.js';
import { CliError } from '../cli-error.js';
import { reachabilityProblems } from '../../config/reachability-problems.js';
import type { CliContext } from '../cli-context.js';
import { connectTemporal } from '../connect-temporal.js';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { secretValues } from '../../config/secret-values.js';
import type { ListenAddress } from '../../telemetry/listen-address.js';
import { listenAddress } from '../cli-options.js';
import { createLogger } from '../../telemetry/logger.js';
import { serveMetrics, type MetricsEndpoint } from '../../telemetry/metrics-endpoint.js';
import { freePort } from '../../tooling/free-port.js';
import { sdkLoggerOver } from '../../telemetry/sdk-logger.js';

const workerHelp = `Runs the worker: polls the task queue (CUSTSYNC_TASK_QUEUE, default custsync) on
TEMPORAL_ADDRESS (default 127.0.0.1:7233) and writes to DATABASE_URL. Without
DATABASE_URL it serves the embedded database (PGlite under .data/pglite) on
127.0.0.1:5433 for the other custsync commands. On Ctrl-C or SIGTERM it drains: takes no
new tasks, lets activities in flight finish for up to worker.shutdownGraceSeconds (default
30), then exits 0. With --metrics (or CUSTSYNC_WORKER_METRICS) it serves Prometheus metrics.
Logs are JSON lines on stderr (readable text on a terminal; CUSTSYNC_LOG_FORMAT=json|pretty,
CUSTSYNC_LOG_LEVEL=debug|info|warn|error).
Refuses to start while the config has a problem "custsync config check" finds without the
network (an unset variable named by passwordEnv, tokenEnv, valueEnv, …; a missing folder
or file), naming each.`;

/** `custsync worker`. */
export function workerCommand(ctx: CliContext): Command {
  return new Command('worker')
    .description('run a worker: poll Temporal, write to the database')
    .addHelpText('after', `\n${workerHelp}`)
    .addOption(
      new Option('--metrics <[host:]port>', "serve Prometheus metrics (custsync's and the Temporal SDK's) at http://host:port/metrics, e.g. :9464")
        .env('CUSTSYNC_WORKER_METRICS')
        .argParser(listenAddress),
    )
    .action((o: { metrics?: ListenAddress }) => runWorker(ctx.config().config, ctx.temporal, o.metrics));
}

/** The SDK exporter's page; empty while it does not answer (the worker's own metrics are still served). */
async function sdkMetricsText(port: number): Promise<string> {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  } catch {
    return '';
  }
}

/**
 * Starts a worker; refuses to, naming every problem, when `config check` would find one without the
 * network. A source package not installed yet is a warning: only that connector's runs fail.
 */
async function runWorker(config: CustsyncConfig, temporal: TemporalSettings, metricsAt: ListenAddress | undefined): Promise<void> {
  const found = await reachabilityProblems(config, { network: false });
  const problems = found.filter((p) => !p.warning);
  if (problems.length > 0) {
    throw new CliError(
      `the worker does not start: the config has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join('\n') +
        '\n(fix them, then check with: custsync config check)',
    );
  }
  // Loaded here, not with the CLI: every other command (serve among them) runs without the worker SDK.
  const { createCustsyncWorker, installWorkerRuntime } = await import('../../worker.js');
  const log = createLogger({ secrets: secretValues(config) });
  for (const warning of found.filter((p) => p.warning)) {
    log.warn({ path: warning.path }, `${warning.path}: ${warning.message}; runs that read this connector fail until then`);
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const sdkMetricsPort = metricsAt ? await freePort() : undefined;
  installWorkerRuntime({ logger: sdkLoggerOver(log), ...(sdkMetricsPort ? { sdkMetricsAddress: `127.0.0.1:${sdkMetricsPort}` } : {}) });
  const database = await openDatabase({ serveEmbedded: true, max: 6 });
  let endpoint: MetricsEndpoint | undefined;
  try {
    (await connectTemporal(temporal)).close().catch(() => undefined);
    const worker = await createCustsyncWorker({ config, database, temporal, metricsRegistry: registry });
    if (metricsAt) {
      endpoint = await serveMetrics({
        listen: metricsAt,
        contentType: registry.contentType,
        // One page: custsync's metrics, then the SDK's (from its exporter on a loopback port).
        page: async () => `${await registry.metrics()}\n${await sdkMetricsText(sdkMetricsPort!)}`,
      });
      log.info({ url: endpoint.url }, `metrics at ${endpoint.url}`);
    }
    log.info(
      { taskQueue: temporal.taskQueue, namespace: temporal.namespace },
      `worker polling task queue "${temporal.taskQueue}" on ${temporal.address}; database ${redactUrl(database.url)}` + (database.embedded ? ' (embedded)' : ''),
    );
    const grace = config.worker.shutdownGraceSeconds;
    const draining = () => log.info(`worker stopping: no new tasks; activities in flight may finish for up to ${grace} s`);
    process.once('SIGTERM', draining);
    process.once('SIGINT', draining);
    await worker.run();
    log.info('worker stopped');
  } finally {
    await endpoint?.close();
    await database.close();
  }
}
