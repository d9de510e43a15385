/**
 * The benchmark's worker process: a custsync worker alone in its process, so its
 * peak memory is measured without the driver's. Started by `worker-process.ts`
 * over an IPC channel; it stops when told to, or when that channel closes.
 *
 * Environment: `DATABASE_URL`, `TEMPORAL_ADDRESS`, `CUSTSYNC_TASK_QUEUE`,
 * `CUSTSYNC_CONFIG`, `BENCH_TRACE_SQL=1` to time every SQL statement, and
 * `BENCH_HEAP_PROFILE=<file>` to write an allocation profile there on stop,
 * `BENCH_HOLD_ACTIVITY=<type>:<n>` to hold the n-th call of an activity type (reporting it)
 * until told to release it, so a fault test strikes while that call is surely in flight.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadConfig } from '../src/config/load-config.js';
import { temporalSettingsFromEnv } from '../src/config/temporal-settings.js';
import { openDatabase } from '../src/db/open-database.js';
import { createCustsyncWorker, type CustsyncWorkerOptions } from '../src/worker.js';
import { installSqlTrace, takeSqlTrace } from './sql-trace.js';
import type { MemoryAtPeak, ParentMessage, WorkerMessage } from './worker-messages.js';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

/** Resident set size now and its peak (VmHWM) since start or the last reset, in bytes. */
function memory(): { rssBytes: number; peakBytes: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rssBytes: kb('VmRSS'), peakBytes: kb('VmHWM') };
}

const SAMPLE_EVERY_MS = 100;

/** Samples `process.memoryUsage()` and keeps the sample of the highest RSS since the last reset. */
function sampleMemoryAtPeak(): { atPeak: () => MemoryAtPeak; reset: () => void } {
  let peak: MemoryAtPeak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0 };
  const sample = (): void => {
    const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
    if (rss > peak.rss) peak = { rss, heapTotal, heapUsed, external };
  };
  setInterval(sample, SAMPLE_EVERY_MS).unref();
  return {
    atPeak: () => (sample(), peak),
    reset: () => (peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0 }),
  };
}

/** Bytes allocated between two samples of the allocation profile, on average. */
const ALLOCATION_SAMPLING_INTERVAL = 64 * 1024;

/**
 * Samples the main thread's allocations through the inspector, keeping the samples of objects
 * collected since (Node's own `--heap-prof` keeps only the live ones): where the garbage comes from.
 */
async function startAllocationSampling(): Promise<{ stop: () => Promise<unknown> }> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object): Promise<T> =>
    new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post('HeapProfiler.startSampling', {
    samplingInterval: ALLOCATION_SAMPLING_INTERVAL,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return { stop: async () => (await post<{ profile: unknown }>('HeapProfiler.stopSampling')).profile };
}

let releaseHold: () => void = () => undefined;
const holdReleased = new Promise<void>((resolve) => (releaseHold = resolve));

/** Holds the n-th call of one activity type, after telling the parent, until the parent releases it. */
function holdInterceptors(spec: string): CustsyncWorkerOptions['interceptors'] {
  const [activityType, nth] = spec.split(':');
  const holdAt = Number(nth ?? 1);
  let calls = 0;
  return {
    activity: [
      (ctx) => ({
        inbound: {
          async execute(input, next) {
            if (ctx.info.activityType === activityType && ++calls === holdAt) {
              send({ type: 'holding', activityType, call: calls });
              const beat = setInterval(() => ctx.heartbeat(), 1_000);
              await holdReleased.finally(() => clearInterval(beat));
            }
            return next(input);
          },
        },
      }),
    ],
  };
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench-worker.ts is started by the benchmark over an IPC channel');
  if (process.env.BENCH_TRACE_SQL === '1') installSqlTrace();
  const { config } = loadConfig();
  const temporal = temporalSettingsFromEnv();
  const database = await openDatabase({ migrate: false, max: 6 });
  const hold = process.env.BENCH_HOLD_ACTIVITY;
  const bundle = process.env.BENCH_WORKFLOW_BUNDLE;
  const worker = await createCustsyncWorker({
    config,
    database,
    temporal,
    ...(bundle ? { workflowBundlePath: bundle } : {}),
    ...(hold ? { interceptors: holdInterceptors(hold) } : {}),
  });
  const running = worker.run();
  const heapProfile = process.env.BENCH_HEAP_PROFILE ? await startAllocationSampling() : undefined;
  const memoryAtPeak = sampleMemoryAtPeak();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await database.close();
      if (heapProfile) writeFileSync(process.env.BENCH_HEAP_PROFILE!, JSON.stringify(await heapProfile.stop()));
      const peak = memory();
      send({
        type: 'stopped',
        ...peak,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        atPeak: memoryAtPeak.atPeak(),
        sqlTrace: process.env.BENCH_TRACE_SQL === '1' ? takeSqlTrace() : undefined,
      });
    })());

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'reset-peak') {
      writeFileSync('/proc/self/clear_refs', '5');
      memoryAtPeak.reset();
      send({ type: 'peak-reset', ...memory() });
    } else if (message.type === 'take-sql-trace') {
      send({ type: 'sql-trace', entries: takeSqlTrace() });
    } else if (message.type === 'release-hold') {
      releaseHold();
    } else if (message.type === 'stop') {
      void stop().finally(() => process.disconnect());
    }
  });
  process.once('disconnect', () => void stop().finally(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().finally(() => process.exit(0)));

  send({ type: 'ready', ...memory(), atStartup: memoryAtPeak.atPeak() });
  await running;
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (process.connected) send({ type: 'failed', error: message });
  else process.stderr.write(`${message}\n`);
  process.exitCode = 1;
  if (process.connected) process.disconnect();
});
