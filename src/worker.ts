import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import { flowFingerprint } from './config/config-fingerprint.js';
import type { CustsyncConfig } from './config/config-schema.js';
import { connectionOptionsOf, type TemporalSettings } from './config/temporal-settings.js';
import { createConnectorFactory } from './connectors/create-connector.js';
import type { DatabaseHandle } from './db/connect.js';
import { copyTransactions } from './db/copy-transaction.js';
import { createNotifier } from './activities/notifications/notifier.js';
import { resolveNotificationTargets } from './config/notification-settings.js';
import { consoleLinks, DEFAULT_CONSOLE_URL } from './domain/console-links.js';
import { wakeNotifier, wakePushTarget } from './temporal/wake-workflows.js';
import { cachedWorkflowBundle } from './temporal/workflow-bundle-cache.js';
import { createWorkerMetrics } from './telemetry/worker-metrics.js';
import type { Registry } from 'prom-client';

/** Path of the workflow bundle's entry point, next to this file (`.ts` in development, `.js` when built). */
export const workflowsPath = fileURLToPath(
  new URL(`./workflows/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

let runtimeInstalled = false;

/** Options for {@link installWorkerRuntime}. */
export interface WorkerRuntimeOptions {
  /** Where the SDK's messages go (workflow, activity, worker and core); default the SDK's text logger at `CUSTSYNC_LOG_LEVEL`, else WARN. */
  logger?: Logger;
  /** Lowest level of the SDK's native core forwarded to `logger`; default WARN. */
  coreLevel?: LogLevel;
  /** `host:port` the SDK's own Prometheus exporter binds to; default none (no SDK metrics). */
  sdkMetricsAddress?: string;
}

/** Sets up the SDK for this process. Takes effect only before the first worker or connection is created. */
export function installWorkerRuntime(options: WorkerRuntimeOptions = {}): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const logger = options.logger ?? new DefaultLogger((process.env.CUSTSYNC_LOG_LEVEL?.toUpperCase() as LogLevel) || 'WARN');
  Runtime.install({
    logger,
    telemetryOptions: {
      ...(options.logger ? { logging: { filter: { core: options.coreLevel ?? 'WARN', other: 'ERROR' }, forward: {} } } : {}),
      ...(options.sdkMetricsAddress
        ? { metrics: { prometheus: { bindAddress: options.sdkMetricsAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } } }
        : {}),
    },
  });
}

/**
 * Sets V8's `--heap-growing-percent` for this process: how far the heap may grow past what is
 * live before the next full collection; 0 leaves V8's own growth. Node 20's V8 applies it to only
 * some of its collections (production.md).
 */
function limitHeapGrowth(percent: number): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Where `npm run build` puts the prebuilt workflow bundle (used only by the compiled worker). */
export const prebuiltBundlePath = new URL('../workflow-bundle.js', import.meta.url);

/**
 * The workflow code a worker runs: the bundle given, else the one `npm run build` made (compiled),
 * else one made from the sources in a child process and kept while they do not change.
 */
async function workflowCodeOf(bundlePath: string | undefined): Promise<Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>> {
  if (bundlePath) return { workflowBundle: { codePath: bundlePath } };
  if (workflowsPath.endsWith('.js')) {
    return existsSync(prebuiltBundlePath) ? { workflowBundle: { codePath: fileURLToPath(prebuiltBundlePath) } } : { workflowsPath };
  }
  return { workflowBundle: { codePath: await cachedWorkflowBundle(workflowsPath) } };
}

/** Options for {@link createCustsyncWorker}. */
export interface CustsyncWorkerOptions {
  config: CustsyncConfig;
  database: DatabaseHandle;
  temporal: TemporalSettings;
  /** An open connection to reuse (tests); otherwise one is opened to `temporal.address`. */
  connection?: NativeConnection;
  /** Concurrent activities; default the config's `worker.maxConcurrentActivities` (4). */
  maxConcurrentActivityTaskExecutions?: number;
  /** Worker interceptors (e.g. tracing, or fault injection in tests); default none. */
  interceptors?: WorkerOptions['interceptors'];
  /** The registry runs, pushes and notifications are counted in (`custsync worker --metrics` serves it); default one of the worker's own, not served. */
  metricsRegistry?: Registry;
  /** A workflow bundle made beforehand (a test run makes one for all its workers); default the prebuilt one when compiled, else one made from the sources in a child process and kept under node_modules/.cache/custsync/. */
  workflowBundlePath?: string;
}

/**
 * The one place dependencies are wired: config → connectors, database → activities,
 * activities and workflows → a worker on the task queue.
 */
export async function createCustsyncWorker(options: CustsyncWorkerOptions): Promise<Worker> {
  installWorkerRuntime();
  limitHeapGrowth(options.config.worker.heapGrowthPercent);
  const connectors = createConnectorFactory(options.config.connectors);
  const connection = options.connection ?? (await NativeConnection.connect(connectionOptionsOf(options.temporal)));
  const client = new Client({ connection, namespace: options.temporal.namespace });
  const { config } = options;
  const notifier = createNotifier({
    db: options.database.db,
    settings: config.notifications,
    links: consoleLinks(config.console.publicUrl ?? DEFAULT_CONSOLE_URL, config.console.temporalUiUrl, options.temporal.namespace),
    approvalTimeoutMs: (flow) => config.flows[flow]?.deletion.approvalTimeout,
    wake: () => wakeNotifier(client, options.temporal.taskQueue),
    warn: (message) => {
      Runtime.instance().logger.warn(message);
    },
  });
  const activities = createActivities({
    db: options.database.db,
    copyTransaction: copyTransactions(options.database),
    connectors,
    flowFingerprint: (flow) => flowFingerprint(options.config, flow),
    // A run's changes are final: its pushes start at once, without gathering further changes.
    wakePushTarget: (target) => wakePushTarget(client, options.temporal.taskQueue, target, options.config.push, { coalesce: false }),
    notifier,
    notificationTargets: resolveNotificationTargets(config.notifications),
    notificationMaxAttempts: config.notifications.maxAttempts,
    metrics: createWorkerMetrics(options.metricsRegistry, {
      flows: Object.keys(config.flows),
      pushTargets: [...new Set(Object.values(config.flows).flatMap((flow) => flow.pushTo))],
    }),
    isRunActive: async (runId) => {
      try {
        return (await client.workflow.getHandle(runId).describe()).status.name === 'RUNNING';
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      }
    },
  });
  return Worker.create({
    connection,
    namespace: options.temporal.namespace,
    taskQueue: options.temporal.taskQueue,
    ...(await workflowCodeOf(options.workflowBundlePath)),
    activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? config.worker.maxConcurrentActivities,
    // Drain: activities in flight finish within the grace time; past it they are cancelled and retried elsewhere.
    shutdownGraceTime: config.worker.shutdownGraceSeconds * 1_000,
    shutdownForceTime: (config.worker.shutdownGraceSeconds + 15) * 1_000,
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
  });
}
