import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SqlTraceEntry } from './sql-trace.js';
import type { MemoryAtPeak, ParentMessage, WorkerMessage } from './worker-messages.js';

const WORKER_ENTRY = fileURLToPath(new URL('./bench-worker.ts', import.meta.url));
/** The same worker as `npm run build` compiles it (with `dist/workflow-bundle.js` beside it). */
export const COMPILED_WORKER_ENTRY = fileURLToPath(new URL('../dist/bench/bench-worker.js', import.meta.url));
const OUTPUT_TAIL_LINES = 60;

/** Options for {@link startWorkerProcess}. */
export interface WorkerProcessOptions {
  /** The benchmark database. */
  databaseUrl: string;
  /** Temporal frontend, e.g. `127.0.0.1:7299`. */
  temporalAddress: string;
  taskQueue: string;
  /** The custsync config file the worker loads. */
  configFile: string;
  /** Time every SQL statement in the worker and report the totals on stop. */
  traceSql?: boolean;
  /** Write V8 CPU profiles of the worker (one per thread) into this folder. */
  cpuProfileDir?: string;
  /** Write an allocation profile of the worker's main thread, garbage included, to this file when it stops. */
  heapProfilePath?: string;
  /** How long the worker may take to bundle its workflows and start polling; default 180 s. */
  readyTimeoutMs?: number;
  /** A workflow bundle made beforehand (tests share one); default: the worker bundles its workflows at start. */
  workflowBundlePath?: string;
  /** Run the compiled worker ({@link COMPILED_WORKER_ENTRY}) with plain node instead of the sources through tsx; default false. */
  compiled?: boolean;
  /** Node.js options for the worker process (heap limits, say); default none. */
  nodeOptions?: readonly string[];
  /** More environment for the worker process (`MALLOC_ARENA_MAX`, say); default none. */
  env?: Readonly<Record<string, string>>;
  /** Hold the n-th call (default the first) of this activity type until {@link WorkerProcess.releaseHold}; {@link WorkerProcess.holding} says when. */
  holdActivity?: { type: string; call?: number };
}

/** What the worker process reported when it stopped. */
export interface WorkerStopReport {
  /** Peak RSS since the last {@link WorkerProcess.resetPeak}, bytes. */
  peakBytes: number;
  /** getrusage maxrss of the whole life, bytes. */
  maxRssBytes: number;
  /** What the memory held when the sampled RSS was highest. */
  atPeak: MemoryAtPeak;
  sqlTrace?: SqlTraceEntry[];
}

/** The custsync worker running in its own process. */
export interface WorkerProcess {
  pid: number;
  /** The memory once started: main heap, buffers. */
  atStartup: MemoryAtPeak;
  /** Peak RSS while starting (workflow bundling included), bytes. */
  startupPeakBytes: number;
  /** Resets the peak RSS mark, so the next report covers only what follows. */
  resetPeak(): Promise<void>;
  /** SQL statement timings since the last call (empty unless `traceSql`). */
  takeSqlTrace(): Promise<SqlTraceEntry[]>;
  /** Shuts the worker down cleanly and returns its memory figures. */
  stop(timeoutMs?: number): Promise<WorkerStopReport>;
  /** Resolves once the call named by `holdActivity` is being held (within `timeoutMs`, default 120 s). */
  holding(timeoutMs?: number): Promise<void>;
  /** Lets the held call go on. */
  releaseHold(): void;
  /** Kills the process if it still runs. */
  kill(): void;
  /** The last lines the worker printed, for error messages. */
  outputTail(): string;
}

/**
 * Starts `bench-worker.ts` in a child Node process (`node --import tsx`, or its compiled form) and
 * resolves once its worker polls the task queue.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const execArgv = [...(options.nodeOptions ?? []), ...(options.compiled ? [] : ['--import', 'tsx'])];
  if (options.cpuProfileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  const child: ChildProcess = fork(options.compiled ? COMPILED_WORKER_ENTRY : WORKER_ENTRY, [], {
    execArgv,
    env: {
      ...process.env,
      ...options.env,
      DATABASE_URL: options.databaseUrl,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      CUSTSYNC_TASK_QUEUE: options.taskQueue,
      CUSTSYNC_CONFIG: options.configFile,
      BENCH_TRACE_SQL: options.traceSql ? '1' : '0',
      BENCH_WORKFLOW_BUNDLE: options.workflowBundlePath ?? '',
      BENCH_HEAP_PROFILE: options.heapProfilePath ?? '',
      BENCH_HOLD_ACTIVITY: options.holdActivity ? `${options.holdActivity.type}:${options.holdActivity.call ?? 1}` : '',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail: string[] = [];
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on('data', collect);
  const outputTail = (): string => tail.join('\n');

  const messages: WorkerMessage[] = [];
  const waiters: { accept: (m: WorkerMessage) => boolean; resolve: (m: WorkerMessage) => void }[] = [];
  let exited: string | undefined;
  const exitWaiters: (() => void)[] = [];
  child.on('message', (m: WorkerMessage) => {
    const index = waiters.findIndex((w) => w.accept(m));
    if (index >= 0) waiters.splice(index, 1)[0]!.resolve(m);
    else messages.push(m);
  });
  child.once('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `exit code ${String(code)}`;
    for (const w of exitWaiters.splice(0)) w();
  });

  const waitFor = <T extends WorkerMessage['type']>(type: T, timeoutMs: number): Promise<Extract<WorkerMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const accept = (m: WorkerMessage): boolean => m.type === type || m.type === 'failed';
      const settle = (m: WorkerMessage): void => {
        clearTimeout(timer);
        if (m.type === 'failed') reject(new Error(`bench worker failed: ${m.error}`));
        else resolve(m as Extract<WorkerMessage, { type: T }>);
      };
      const queued = messages.findIndex(accept);
      const timer = setTimeout(() => {
        remove();
        reject(new Error(`bench worker sent no ${type} within ${timeoutMs / 1000} s\n${outputTail()}`));
      }, timeoutMs);
      const onExit = (): void => {
        clearTimeout(timer);
        remove();
        reject(new Error(`bench worker exited (${exited}) before ${type}\n${outputTail()}`));
      };
      const waiter = { accept, resolve: settle };
      const remove = (): void => {
        const w = waiters.indexOf(waiter);
        if (w >= 0) waiters.splice(w, 1);
        const e = exitWaiters.indexOf(onExit);
        if (e >= 0) exitWaiters.splice(e, 1);
      };
      if (queued >= 0) {
        settle(messages.splice(queued, 1)[0]!);
        return;
      }
      if (exited) {
        onExit();
        return;
      }
      waiters.push(waiter);
      exitWaiters.push(onExit);
    });

  const send = (m: ParentMessage): void => {
    if (child.connected) child.send(m);
  };
  const kill = (): void => {
    if (!exited && child.pid) child.kill('SIGKILL');
  };
  const waitExit = (timeoutMs: number): Promise<boolean> =>
    exited
      ? Promise.resolve(true)
      : new Promise((resolve) => {
          const timer = setTimeout(() => resolve(false), timeoutMs);
          exitWaiters.push(() => {
            clearTimeout(timer);
            resolve(true);
          });
        });

  let ready;
  try {
    ready = await waitFor('ready', options.readyTimeoutMs ?? 180_000);
  } catch (error) {
    kill();
    throw error;
  }
  return {
    pid: child.pid!,
    startupPeakBytes: ready.peakBytes,
    atStartup: ready.atStartup,
    async resetPeak() {
      send({ type: 'reset-peak' });
      await waitFor('peak-reset', 10_000);
    },
    async takeSqlTrace() {
      send({ type: 'take-sql-trace' });
      return (await waitFor('sql-trace', 10_000)).entries;
    },
    async stop(timeoutMs = 60_000) {
      send({ type: 'stop' });
      try {
        const stopped = await waitFor('stopped', timeoutMs);
        if (!(await waitExit(10_000))) kill();
        return { peakBytes: stopped.peakBytes, maxRssBytes: stopped.maxRssBytes, atPeak: stopped.atPeak, sqlTrace: stopped.sqlTrace };
      } catch (error) {
        kill();
        throw error;
      }
    },
    async holding(timeoutMs = 120_000) {
      await waitFor('holding', timeoutMs);
    },
    releaseHold() {
      send({ type: 'release-hold' });
    },
    kill,
    outputTail,
  };
}
