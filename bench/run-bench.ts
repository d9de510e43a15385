/**
 * `npm run bench`: end-to-end throughput of a flat-file sync against the database
 * bound. See `BENCH_USAGE` in `bench-options.ts`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../src/worker.js';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import type { CustsyncConfig } from '../src/config/config-schema.js';
import { createConnectorFactory } from '../src/connectors/create-connector.js';
import { planFlow, runKey, runWorkflowId } from '../src/config/flow-plan.js';
import { redactUrl } from '../src/db/connect.js';
import { startTemporalDevServer, type TemporalDevServer } from '../src/tooling/dev-server.js';
import type { customerSyncWorkflow } from '../src/workflows/customer-sync-workflow.js';
import type { RunReport } from '../src/domain/run-types.js';
import {
  createBenchDatabase,
  DEFAULT_BENCH_SERVER_URL,
  dropBenchDatabase,
  snapshotTables,
  TARGET_TABLES,
  type TableSnapshot,
} from './bench-database.js';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs, type BenchOptions } from './bench-options.js';
import { formatBenchReport, type BenchResult, type SyncRunResult } from './bench-report.js';
import { cpuUsageBetween, sampleCpu } from './cpu-usage.js';
import { syncOnWorkers } from './scale-out-sync.js';
import { prepareCopyFiles, runCopyLoad } from './copy-bound.js';
import { writeChangedCustomersFile, writeReferenceData, writeTemplateFile } from './template-file-writer.js';
import { walBytesSince, walPosition } from './wal-position.js';
import { runHistoryStats } from './workflow-history.js';
import { dockerfileProcessEnv } from './dockerfile-env.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';
import { TEMPLATE_ASPECTS } from '../src/connectors/flat-file/template-aspects.js';
import { freePort } from '../src/tooling/free-port.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULT_FILE = join(REPO_ROOT, '.data', 'bench-latest.json');
const FLOW = 'bench';
const CONNECTOR = 'erp';
const ASPECTS = TEMPLATE_ASPECTS;
const MB = 1024 * 1024;

const startedAt = performance.now();
function log(message: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(7);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}


async function withTimeout<T>(what: string, promise: Promise<T>, ms: number, onTimeout?: () => Promise<void>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const fail = (): void => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`));
      if (onTimeout) onTimeout().catch(() => undefined).finally(fail);
      else fail();
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Cleanup steps, run once in reverse order of registration, on success, failure or Ctrl-C. */
class Cleanup {
  private readonly steps: { what: string; run: () => Promise<void> }[] = [];
  private running: Promise<void> | undefined;
  add(what: string, run: () => Promise<void>): void {
    this.steps.push({ what, run });
  }
  run(): Promise<void> {
    return (this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await withTimeout(step.what, step.run(), 60_000);
        } catch (error) {
          log(`cleanup: ${step.what} failed: ${(error as Error).message}`);
        }
      }
    })());
  }
}

function configYaml(folder: string, referenceData: string, options: BenchOptions, mergeLanes?: number): string {
  const lines = [
    'connectors:',
    `  ${CONNECTOR}:`,
    '    type: flat-file',
    `    folder: ${JSON.stringify(folder)}`,
    '    pattern: "customer_*.txt"',
    '    delimiter: "|"',
    `    referenceData: ${JSON.stringify(referenceData)}`,
    'flows:',
    `  ${FLOW}:`,
    '    source:',
    '      type: connector',
    `      connector: ${CONNECTOR}`,
    `      aspects: [${ASPECTS.join(', ')}]`,
    '    schedule: false',
  ];
  if (options.chunkSize !== undefined) lines.push(`    chunkSize: ${options.chunkSize}`);
  if (options.pageSize !== undefined) lines.push(`    pageSize: ${options.pageSize}`);
  if (mergeLanes !== undefined) lines.push(`    mergeLanes: ${mergeLanes}`);
  if (options.duplicates) lines.push('    duplicates: {}');
  if (options.heapGrowthPercent !== undefined) lines.push('worker:', `  heapGrowthPercent: ${options.heapGrowthPercent}`);
  return `${lines.join('\n')}\n`;
}

interface TimedRun {
  workflowId: string;
  firstRunId: string;
  seconds: number;
  report: RunReport;
}

async function main(options: BenchOptions, cleanup: Cleanup): Promise<BenchResult> {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_BENCH_SERVER_URL;
  const runTimeoutMs = options.timeoutMinutes * 60_000;
  const workDir = mkdtempSync(join(tmpdir(), 'custsync-bench-'));
  cleanup.add('remove the temporary folder', () => {
    if (options.keep) log(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
    return Promise.resolve();
  });
  const inbox = join(workDir, 'inbox');
  const copyDir = join(workDir, 'copy');
  mkdirSync(inbox);
  mkdirSync(copyDir);

  // 1. The file, its reference data and the config.
  const fileName = 'customer_20261101T020000.txt';
  const referenceFile = join(workDir, 'reference-data.json');
  await writeReferenceData(referenceFile);
  let t0 = performance.now();
  log(`writing ${options.customers.toLocaleString('en-US')} customers to ${join(inbox, fileName)}`);
  const file = await writeTemplateFile(join(inbox, fileName), options.customers, options.seed);
  const generateSeconds = (performance.now() - t0) / 1000;
  log(`file: ${file.rows.toLocaleString('en-US')} rows, ${(file.bytes / MB).toFixed(1)} MB in ${generateSeconds.toFixed(1)} s`);
  const configFile = join(workDir, 'custsync.bench.yaml');
  writeFileSync(configFile, configYaml(inbox, referenceFile, options, options.mergeLanes));
  const { config } = loadConfig(configFile);
  const flow = config.flows[FLOW]!;

  const suffix = randomBytes(4).toString('hex');
  const syncWorkflowId = runWorkflowId(FLOW, `${runKey(new Date())}-${suffix}`);
  const resyncWorkflowId = `${syncWorkflowId}-resync`;

  // The COPY payload: the same rows the sync will write, from the same file through the connector; untimed.
  t0 = performance.now();
  log('preparing the COPY rows from the file, through the flat-file connector');
  const copyFiles = await prepareCopyFiles({
    folder: copyDir,
    connector: createConnectorFactory(config.connectors)(CONNECTOR),
    seed: options.seed,
    steps: planFlow(config, FLOW, { trigger: 'bench' }).steps,
    runId: syncWorkflowId,
  });
  const prepareSeconds = (performance.now() - t0) / 1000;
  log(`COPY rows: ${copyFiles.totalRows.toLocaleString('en-US')} (${(copyFiles.bytes / MB).toFixed(1)} MB) in ${prepareSeconds.toFixed(1)} s`);

  // 2. Two fresh databases with the schema.
  const syncDb = `custsync_bench_${suffix}`;
  const copyDb = `custsync_bench_${suffix}_copy`;
  log(`creating databases ${syncDb} and ${copyDb} on ${redactUrl(serverUrl)}`);
  cleanup.add('drop the databases', async () => {
    if (options.keep) {
      log(`kept databases ${syncDb} and ${copyDb}`);
      return;
    }
    await dropBenchDatabase(serverUrl, syncDb);
    await dropBenchDatabase(serverUrl, copyDb);
  });
  const syncUrl = await createBenchDatabase(serverUrl, syncDb);
  const copyUrl = await createBenchDatabase(serverUrl, copyDb);
  const postgres = await serverVersion(syncUrl);

  // 3. Temporal dev server and the worker in its own process.
  const temporalPort = await freePort();
  log(`starting a Temporal dev server on 127.0.0.1:${temporalPort}`);
  const temporalTail: string[] = [];
  const server: TemporalDevServer = await startTemporalDevServer({
    port: temporalPort,
    uiPort: await freePort(),
    dbFile: join(workDir, 'temporal.sqlite'),
    log: (line) => {
      temporalTail.push(line);
      if (temporalTail.length > 40) temporalTail.shift();
    },
  });
  cleanup.add('stop the Temporal dev server', () => server.stop());
  const taskQueue = `bench-${suffix}`;
  let cpuProfileDir: string | undefined;
  if (options.cpuProf) {
    cpuProfileDir = join(REPO_ROOT, '.data', 'bench-cpu-prof', suffix);
    mkdirSync(cpuProfileDir, { recursive: true });
  }
  let heapProfilePath: string | undefined;
  if (options.heapProf) {
    mkdirSync(join(REPO_ROOT, '.data', 'bench-heap-prof'), { recursive: true });
    heapProfilePath = join(REPO_ROOT, '.data', 'bench-heap-prof', `worker-${suffix}.heapprofile`);
  }
  let workflowBundlePath: string | undefined;
  if (options.compiled) {
    log('building the compiled worker (npm run build)');
    execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  } else if (options.prebuiltBundle) {
    workflowBundlePath = join(workDir, 'workflow-bundle.js');
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } });
    writeFileSync(workflowBundlePath, code);
  }
  // The compiled worker runs with the image's memory settings unless the command line gives its own.
  const workerEnv = options.compiled && options.workerNodeOptions.length === 0 ? dockerfileProcessEnv(join(REPO_ROOT, 'Dockerfile')) : {};
  log(`starting the ${options.compiled ? 'compiled ' : ''}worker process (${options.compiled || workflowBundlePath ? 'with a prebuilt workflow bundle' : 'from source: its workflow bundle made in a child process, kept between starts'})`);
  const worker: WorkerProcess = await startWorkerProcess({
    ...(workflowBundlePath ? { workflowBundlePath } : {}),
    databaseUrl: syncUrl,
    temporalAddress: server.address,
    taskQueue,
    configFile,
    traceSql: options.traceSql,
    compiled: options.compiled,
    nodeOptions: options.workerNodeOptions,
    env: workerEnv,
    cpuProfileDir,
    ...(heapProfilePath ? { heapProfilePath } : {}),
  });
  let workerStopped = false;
  cleanup.add('stop the worker process', () => {
    if (!workerStopped) worker.kill();
    return Promise.resolve();
  });
  const { atStartup } = worker;
  log(
    `worker pid ${worker.pid} ready; startup peak RSS ${(worker.startupPeakBytes / MB).toFixed(0)} MB; now RSS ${(atStartup.rss / MB).toFixed(0)} MB, ` +
      `main heap ${(atStartup.heapTotal / MB).toFixed(0)} MB (in use ${(atStartup.heapUsed / MB).toFixed(0)}), buffers ${(atStartup.external / MB).toFixed(0)} MB`,
  );
  await worker.resetPeak();

  const connection = await Connection.connect({ address: server.address, connectTimeout: '10 seconds' });
  cleanup.add('close the Temporal client', () => connection.close());
  const client = new Client({ connection, namespace: 'default' });

  const timedRun = async (workflowId: string, on: { inputs?: string[]; taskQueue?: string; config?: CustsyncConfig } = {}): Promise<TimedRun> => {
    const input = planFlow(on.config ?? config, FLOW, { trigger: 'bench', inputs: on.inputs });
    const t = performance.now();
    const handle = await client.workflow.start<typeof customerSyncWorkflow>('customerSyncWorkflow', {
      taskQueue: on.taskQueue ?? taskQueue,
      workflowId,
      args: [input],
      workflowExecutionTimeout: runTimeoutMs,
    });
    const report = await withTimeout(`run ${workflowId}`, handle.result(), runTimeoutMs + 30_000, async () => {
      await handle.terminate('benchmark timeout');
    });
    const seconds = (performance.now() - t) / 1000;
    if (report.status !== 'completed') throw new Error(`run ${workflowId} ended ${report.status}: ${report.error ?? ''}`);
    return { workflowId, firstRunId: handle.firstExecutionRunId, seconds, report };
  };

  // 4. The sync, timed end to end.
  log(`sync ${syncWorkflowId}`);
  const beforeSync = await walPosition(syncUrl);
  const cpuBeforeSync = sampleCpu([worker.pid]);
  const sync = await timedRun(syncWorkflowId);
  const syncCpu = cpuUsageBetween(cpuBeforeSync, sampleCpu([worker.pid]));
  const syncWalBytes = await walBytesSince(syncUrl, beforeSync);
  log(`sync done in ${sync.seconds.toFixed(2)} s: ${JSON.stringify(sync.report.totals)}`);
  const syncTrace = options.traceSql ? await worker.takeSqlTrace() : undefined;

  // 5. A re-sync of the same file: everything unchanged.
  log(`re-sync ${resyncWorkflowId}`);
  const beforeResync = await walPosition(syncUrl);
  const cpuBeforeResync = sampleCpu([worker.pid]);
  const resync = await timedRun(resyncWorkflowId, { inputs: [fileName] });
  const resyncCpu = cpuUsageBetween(cpuBeforeResync, sampleCpu([worker.pid]));
  const resyncWalBytes = await walBytesSince(syncUrl, beforeResync);
  log(`re-sync done in ${resync.seconds.toFixed(2)} s: ${JSON.stringify(resync.report.totals)}`);

  const resyncTrace = options.traceSql ? await worker.takeSqlTrace() : undefined;
  const syncSnapshot = await snapshotTables(syncUrl);

  // 6. A delta file changing some of the customers, over all of them stored.
  let delta: { changed: number; run: TimedRun; walMb: number } | undefined;
  if (options.delta > 0) {
    const deltaFile = 'customer_20261101T030000_delta.txt';
    await writeChangedCustomersFile(join(inbox, deltaFile), options.customers, options.delta, options.seed);
    log(`delta of ${options.delta.toLocaleString('en-US')} changed customers`);
    const beforeDelta = await walPosition(syncUrl);
    const run = await timedRun(`${syncWorkflowId}-delta`, { inputs: [deltaFile] });
    delta = { changed: options.delta, run, walMb: (await walBytesSince(syncUrl, beforeDelta)) / MB };
    log(`delta done in ${run.seconds.toFixed(2)} s: ${JSON.stringify(run.report.totals)}`);
  }

  const stopped = await worker.stop();
  workerStopped = true;
  if (heapProfilePath) log(`allocation profile of the worker: ${heapProfilePath} (open it in Chrome DevTools, Memory tab)`);
  const [syncHistory, resyncHistory, deltaHistory] = await withTimeout(
    'fetching the histories',
    Promise.all([
      runHistoryStats(client, sync.workflowId, sync.firstRunId),
      runHistoryStats(client, resync.workflowId, resync.firstRunId),
      delta ? runHistoryStats(client, delta.run.workflowId, delta.run.firstRunId) : undefined,
    ]),
    5 * 60_000,
  );

  // 7. The bound: raw COPY of the same rows into the second database.
  log('COPY of the same rows into the second database');
  const beforeCopy = await walPosition(copyUrl);
  const copy = await runCopyLoad(copyUrl, copyFiles, runTimeoutMs);
  const copyWalBytes = await walBytesSince(copyUrl, beforeCopy);
  log(`COPY done in ${copy.seconds.toFixed(2)} s`);
  const copySnapshot = await snapshotTables(copyUrl);

  // 8. With --workers N: the same sync by N workers sharing the run, into a third database.
  const scaleOut =
    options.workers > 1
      ? await syncOnWorkers({
          workers: options.workers,
          database: { serverUrl, name: `${syncDb}_w${options.workers}`, keep: options.keep },
          configFileWith: (mergeLanes) => {
            const path = join(workDir, `custsync.bench.w${options.workers}.yaml`);
            writeFileSync(path, configYaml(inbox, referenceFile, options, mergeLanes));
            return path;
          },
          worker: {
            ...(workflowBundlePath ? { workflowBundlePath } : {}),
            temporalAddress: server.address,
            taskQueue: `${taskQueue}-w${options.workers}`,
            compiled: options.compiled,
            nodeOptions: options.workerNodeOptions,
            env: workerEnv,
          },
          // The same run id as the one-worker sync: customers' content records the run that wrote it.
          run: (taskQueueOfRun, runConfig) =>
            timedRun(syncWorkflowId, { inputs: [fileName], taskQueue: taskQueueOfRun, config: runConfig }),
          client,
          oneWorker: { seconds: sync.seconds, snapshot: syncSnapshot },
          cleanup,
          log,
        })
      : undefined;

  const problems = compareSnapshots(syncSnapshot, copySnapshot);
  if (scaleOut && !scaleOut.sameRows) problems.push(`the sync by ${scaleOut.workers} workers wrote other rows than the sync by one`);
  const expectUnchanged = options.customers;
  if (resync.report.totals.unchanged !== expectUnchanged) {
    problems.push(`re-sync: ${resync.report.totals.unchanged} unchanged, expected ${expectUnchanged}`);
  }
  const deltaTotals = delta?.run.report.totals;
  if (delta && deltaTotals && (deltaTotals.updated !== delta.changed || deltaTotals.created !== 0)) {
    problems.push(`delta: ${deltaTotals.updated} updated and ${deltaTotals.created} created, expected ${delta.changed} updated`);
  }
  if (sync.report.totals.created !== options.customers) {
    problems.push(`sync: ${sync.report.totals.created} created, expected ${options.customers}`);
  }

  const runResult = (run: TimedRun, history: Awaited<ReturnType<typeof runHistoryStats>>): SyncRunResult => ({
    workflowId: run.workflowId,
    seconds: run.seconds,
    timesCopy: run.seconds / copy.seconds,
    customersPerSecond: options.customers / run.seconds,
    totals: run.report.totals,
    historyEvents: history.events,
    executions: history.executions.length,
    eventsPerExecution: history.executions.map((e) => e.events),
    largestPayloadBytes: history.largestPayloadBytes,
    workflowTaskSeconds: history.workflowTaskMs / 1000,
    activities: history.activities,
  });

  return {
    startedAt: new Date(Date.now() - (performance.now() - startedAt)).toISOString(),
    environment: {
      node: process.versions.node,
      cpus: availableParallelism(),
      postgres,
      chunkSize: flow.chunkSize,
      pageSize: flow.pageSize,
      seed: options.seed,
    },
    customers: options.customers,
    file: { name: fileName, rows: file.rows, megabytes: file.bytes / MB, generateSeconds },
    rowsWritten: TARGET_TABLES.reduce((n, t) => n + syncSnapshot.counts[t], 0),
    rowsPerTable: syncSnapshot.counts,
    sync: runResult(sync, syncHistory),
    resync: runResult(resync, resyncHistory),
    cpu: { sync: syncCpu, resync: resyncCpu },
    ...(delta && deltaHistory ? { delta: { ...runResult(delta.run, deltaHistory), changed: delta.changed, walMb: delta.walMb } } : {}),
    ...(scaleOut ? { scaleOut } : {}),
    copy: { seconds: copy.seconds, rowsPerSecond: copy.rows / copy.seconds, perTableSeconds: copy.perTable, prepareSeconds },
    worker: {
      peakRssMb: stopped.peakBytes / MB,
      startupPeakRssMb: worker.startupPeakBytes / MB,
      prebuiltBundle: options.prebuiltBundle || options.compiled,
      compiled: options.compiled,
      nodeOptions: options.workerNodeOptions,
      env: workerEnv,
      maxRssMb: stopped.maxRssBytes / MB,
      atPeakMb: {
        heapTotal: stopped.atPeak.heapTotal / MB,
        heapUsed: stopped.atPeak.heapUsed / MB,
        external: stopped.atPeak.external / MB,
        rest: (stopped.atPeak.rss - stopped.atPeak.heapTotal - stopped.atPeak.external) / MB,
      },
    },
    diskMb: { sync: syncSnapshot.bytes / MB, copy: copySnapshot.bytes / MB },
    walMb: { sync: syncWalBytes / MB, resync: resyncWalBytes / MB, copy: copyWalBytes / MB },
    verification: {
      countsMatch: TARGET_TABLES.every((t) => syncSnapshot.counts[t] === copySnapshot.counts[t]),
      contentMatches: syncSnapshot.fingerprint === copySnapshot.fingerprint,
      problems,
    },
    ...(syncTrace && resyncTrace ? { sqlTrace: { sync: syncTrace, resync: resyncTrace, ...(delta ? { delta: stopped.sqlTrace ?? [] } : {}) } } : {}),
  };
}

function compareSnapshots(sync: TableSnapshot, copy: TableSnapshot): string[] {
  const problems: string[] = [];
  for (const t of TARGET_TABLES) {
    if (sync.counts[t] !== copy.counts[t]) problems.push(`${t}: sync ${sync.counts[t]} rows, COPY ${copy.counts[t]}`);
  }
  if (sync.fingerprint !== copy.fingerprint) problems.push('customer content or input hashes differ between sync and COPY');
  return problems;
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

async function run(): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${BENCH_USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const cleanup = new Cleanup();
  const interrupted = (signal: NodeJS.Signals): void => {
    log(`${signal}: cleaning up`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const result = await main(options, cleanup);
    mkdirSync(join(REPO_ROOT, '.data'), { recursive: true });
    writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`\n${formatBenchReport(result)}\n\nwritten to ${RESULT_FILE}\n`);
    return result.verification.problems.length === 0 ? 0 : 1;
  } catch (error) {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    await cleanup.run();
  }
}

process.exitCode = await run();
