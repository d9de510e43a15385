/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  /** Customers in the generated file; default 10,000. */
  customers: number;
  /** Keep the two databases and the temporary folder instead of removing them; default false. */
  keep: boolean;
  /** The flow's `chunkSize` (customers merged per activity); default: the flow default. */
  chunkSize?: number;
  /** The flow's `pageSize` (records staged per page); default: the flow default. */
  pageSize?: number;
  /** Generator seed; the same seed gives the same file; default 1. */
  seed: number;
  /** Time every SQL statement the worker runs and print the totals; default false. */
  traceSql: boolean;
  /** Write V8 CPU profiles of the worker process under `.data/bench-cpu-prof/`; default false. */
  cpuProf: boolean;
  /**
   * Write an allocation profile of the worker's main thread (every allocation sampled, collected
   * or not: where its garbage comes from) to `.data/bench-heap-prof/`; default false.
   */
  heapProf: boolean;
  /** Bundle the workflows before the worker starts (as the image's compiled worker loads its prebuilt bundle) instead of in the worker; default false. */
  prebuiltBundle: boolean;
  /** Run the compiled worker (`npm run build` first, then plain `node` over `dist/`, with the prebuilt bundle), as the image runs it; default false. */
  compiled: boolean;
  /** Node.js options for the worker process (heap limits, say), whitespace-separated; default none. */
  workerNodeOptions: string[];
  /** Customers changed in the delta file synced after the re-sync (0: none); default 1,000 (at most all). */
  delta: number;
  /** The flow checks every customer its runs create or change for duplicates (`duplicates: {}`); default false. */
  duplicates: boolean;
  /** Also sync the file with this many worker processes sharing the run (two merge lanes each), beside the one-worker sync; default 1 (not done). */
  workers: number;
  /** The flow's `mergeLanes` for the one-worker runs; default: the flow default. */
  mergeLanes?: number;
  /** The config's `worker.heapGrowthPercent` for the bench's workers; default: the config default (0, V8's own growth). */
  heapGrowthPercent?: number;
  /** Limit for each sync run, minutes; default max(10, customers / 2,000). */
  timeoutMinutes: number;
}

export const BENCH_USAGE = `usage: npm run bench -- [options]

Generates a standard-template file, syncs it through a real Temporal dev server
and a worker in its own process into a fresh PostgreSQL database, re-syncs it,
and compares both with a raw COPY of the same rows into another fresh database.
PostgreSQL: DATABASE_URL, else postgres://custsync:custsync@127.0.0.1:5432/.

  --customers <n>        customers in the file (default 10000)
  --chunk-size <n>       customers merged per chunk activity (default: flow default)
  --page-size <n>        records staged per page (default: flow default)
  --merge-lanes <n>      chunks merged at a time in the one-worker runs (default: flow default)
  --seed <n>             data set seed (default 1)
  --keep                 keep the databases and the temporary folder
  --trace-sql            time each SQL statement in the worker and print the totals
  --cpu-prof             write CPU profiles of the worker under .data/bench-cpu-prof/
  --heap-prof            write an allocation profile of the worker (garbage included: where
                         its allocations come from) under .data/bench-heap-prof/
  --prebuilt-bundle      give the worker a workflow bundle made beforehand, as the image's
                         compiled worker has, instead of one made from the sources at its start
  --compiled             build (npm run build) and run the compiled worker with plain node
                         and its prebuilt bundle, as the image runs it
  --worker-node-options=<options>
                         Node.js options for the worker process, e.g.
                         --worker-node-options="--max-old-space-size=128 --max-semi-space-size=4"
                         (default with --compiled: the NODE_OPTIONS and MALLOC_ARENA_MAX the
                         Dockerfile's image sets)
  --heap-growth-percent <n>
                         the worker's worker.heapGrowthPercent (default: the config default;
                         0: V8's own heap growth)
  --delta <n>            after the re-sync, sync a delta file renaming n of the customers
                         (default 1000, at most all; 0: no delta run)
  --duplicates           the flow checks the customers each run creates or changes for
                         duplicates (duplicates: {}): the import keys every customer, the
                         delta checks its customers against all of them (findDuplicates)
  --workers <n>          also sync the file into a third database with n worker processes
                         sharing the run (mergeLanes 2n) and print the speed-up over one
                         worker and where the CPU went (default 1: not done)
  --timeout-minutes <n>  limit per sync run (default max(10, customers / 2000))
  --help                 show this help`;

/** A command line the benchmark cannot run with. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

function positiveInteger(flag: string, value: string | undefined, max: number): number {
  if (value === undefined || !/^\d+$/.test(value.replaceAll('_', ''))) {
    throw new BenchUsageError(`${flag} needs a positive whole number`);
  }
  const n = Number(value.replaceAll('_', ''));
  if (n < 1 || n > max) throw new BenchUsageError(`${flag} must be between 1 and ${max}, got ${value}`);
  return n;
}

/**
 * Parses the benchmark's arguments (`--flag value` or `--flag=value`).
 *
 * @returns the options, or `'help'` when help was asked for
 * @throws BenchUsageError on an unknown flag or an invalid value
 */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  const options: Partial<BenchOptions> & { customers: number; keep: boolean; seed: number; traceSql: boolean; cpuProf: boolean; heapProf: boolean; prebuiltBundle: boolean; compiled: boolean; workerNodeOptions: string[]; workers: number; delta: number; duplicates: boolean } = {
    customers: 10_000,
    keep: false,
    seed: 1,
    traceSql: false,
    cpuProf: false,
    heapProf: false,
    prebuiltBundle: false,
    compiled: false,
    workerNodeOptions: [],
    workers: 1,
    delta: 1_000,
    duplicates: false,
  };
  let timeoutMinutes: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--customers':
        options.customers = positiveInteger(flag, value(), 10_000_000);
        break;
      case '--chunk-size':
        options.chunkSize = positiveInteger(flag, value(), 10_000);
        break;
      case '--page-size':
        options.pageSize = positiveInteger(flag, value(), 50_000);
        break;
      case '--merge-lanes':
        options.mergeLanes = positiveInteger(flag, value(), 64);
        break;
      case '--seed':
        options.seed = positiveInteger(flag, value(), 2 ** 31);
        break;
      case '--duplicates':
        options.duplicates = true;
        break;
      case '--delta': {
        const given = value();
        options.delta = given === '0' ? 0 : positiveInteger(flag, given, 10_000_000);
        break;
      }
      case '--heap-growth-percent': {
        const given = value();
        options.heapGrowthPercent = given === '0' ? 0 : positiveInteger(flag, given, 1_000);
        break;
      }
      case '--workers':
        options.workers = positiveInteger(flag, value(), 32);
        break;
      case '--timeout-minutes':
        timeoutMinutes = positiveInteger(flag, value(), 7 * 24 * 60);
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--trace-sql':
        options.traceSql = true;
        break;
      case '--cpu-prof':
        options.cpuProf = true;
        break;
      case '--heap-prof':
        options.heapProf = true;
        break;
      case '--prebuilt-bundle':
        options.prebuiltBundle = true;
        break;
      case '--compiled':
        options.compiled = true;
        break;
      case '--worker-node-options': {
        const given = value();
        if (!given?.trim()) throw new BenchUsageError(`${flag} needs Node.js options, e.g. ${flag}="--max-old-space-size=128"`);
        options.workerNodeOptions = given.trim().split(/\s+/);
        break;
      }
      default:
        throw new BenchUsageError(`unknown option ${arg}`);
    }
  }
  return { ...options, delta: Math.min(options.delta, options.customers), timeoutMinutes: timeoutMinutes ?? Math.max(10, Math.ceil(options.customers / 2000)) };
}
