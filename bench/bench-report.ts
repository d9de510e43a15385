import type { TargetTable } from './bench-database.js';
import type { CpuUsage } from './cpu-usage.js';
import type { SqlTraceEntry } from './sql-trace.js';
import type { ActivityStats } from './workflow-history.js';

/** One timed sync run. */
export interface SyncRunResult {
  workflowId: string;
  seconds: number;
  /** Sync seconds / COPY seconds. */
  timesCopy: number;
  customersPerSecond: number;
  totals: { customers: number; created: number; updated: number; unchanged: number; rejected: number };
  historyEvents: number;
  executions: number;
  /** Events per execution, in chain order. */
  eventsPerExecution: number[];
  largestPayloadBytes: number;
  workflowTaskSeconds: number;
  activities: ActivityStats[];
}

/** With `--duplicates`: the delta's check of its customers against every stored one, beside the delta's own time. */
function duplicateCheckRows(delta: SyncRunResult & { changed: number }, customers: number): string[][] {
  const check = delta.activities.find((a) => a.activity === 'findDuplicates');
  if (!check) return [];
  const seconds = check.totalMs / 1000;
  return [[`duplicates check of the delta's ${int(delta.changed)} over ${int(customers)} keyed, seconds`, `${fmt(seconds, 2)} (${fmt((seconds / delta.seconds) * 100)}% of the delta's ${fmt(delta.seconds, 2)} s)`]];
}

/** A delta file changing some customers, synced over all of them stored. */
export interface DeltaRunResult extends SyncRunResult {
  changed: number;
  /** WAL the cluster wrote during the run, MB. */
  walMb: number;
}

/** The same sync by several worker processes sharing the run (`--workers N`). */
export interface ScaleOutResult {
  workers: number;
  /** The flow's mergeLanes for that run: two per worker. */
  mergeLanes: number;
  seconds: number;
  /** The one-worker sync's seconds / these. */
  speedUp: number;
  /** Workers that merged chunks of the run. */
  chunkWorkers: number;
  /** Highest peak RSS of the workers, MB. */
  peakRssMb: number;
  cpu: CpuUsage;
  /** The same rows as the one-worker sync (counts and content). */
  sameRows: boolean;
}

/** Everything one benchmark run measured; written as JSON to `.data/bench-latest.json`. */
export interface BenchResult {
  startedAt: string;
  environment: { node: string; cpus: number; postgres: string; chunkSize: number; pageSize: number; seed: number };
  customers: number;
  file: { name: string; rows: number; megabytes: number; generateSeconds: number };
  /** Rows in the target tables after the first sync (equal to the COPY's). */
  rowsWritten: number;
  rowsPerTable: Record<TargetTable, number>;
  sync: SyncRunResult;
  resync: SyncRunResult;
  /** Where the CPU went during each run. */
  cpu: { sync: CpuUsage; resync: CpuUsage };
  delta?: DeltaRunResult;
  scaleOut?: ScaleOutResult;
  copy: { seconds: number; rowsPerSecond: number; perTableSeconds: Record<TargetTable, number>; prepareSeconds: number };
  /** `prebuiltBundle`: the worker was given its workflow bundle instead of making one from the sources at start. */
  worker: {
    peakRssMb: number;
    startupPeakRssMb: number;
    maxRssMb: number;
    /** The worker's memory when its RSS was highest: main heap, buffers, and the rest (RSS less both). */
    atPeakMb: { heapTotal: number; heapUsed: number; external: number; rest: number };
    prebuiltBundle: boolean; compiled: boolean; nodeOptions: string[]; env: Record<string, string> };
  /** Target tables on disk (with indexes) after the sync and after the COPY, MB. */
  diskMb: { sync: number; copy: number };
  /** WAL written by the cluster during the sync, the re-sync and the COPY, MB. */
  walMb: { sync: number; resync: number; copy: number };
  verification: { countsMatch: boolean; contentMatches: boolean; problems: string[] };
  /** Worker SQL timings per run, with `--trace-sql`. */
  sqlTrace?: { sync: SqlTraceEntry[]; resync: SqlTraceEntry[]; delta?: SqlTraceEntry[] };
}

const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
/** Bytes in the report's MB. */
const MB_BYTES = 1024 * 1024;

function table(rows: string[][], rightAlign: (col: number) => boolean): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string =>
    `| ${r.map((cell, c) => (rightAlign(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, c) => (rightAlign(c) ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

function activityTable(run: SyncRunResult): string {
  const rows = [['activity', 'calls', 'total s', 'in worker s', 'queued s', 'max s', 'mean ms']];
  for (const a of run.activities) {
    rows.push([
      a.activity + (a.retries > 0 ? ` (${a.retries} retries)` : ''),
      int(a.calls),
      fmt(a.totalMs / 1000, 2),
      fmt(a.runMs / 1000, 2),
      fmt(a.queueMs / 1000, 2),
      fmt(a.maxMs / 1000, 2),
      fmt(a.totalMs / a.calls, 0),
    ]);
  }
  const activitySeconds = run.activities.reduce((n, a) => n + a.totalMs, 0) / 1000;
  rows.push(['(workflow tasks)', '', fmt(run.workflowTaskSeconds, 2), '', '', '', '']);
  rows.push(['(rest: scheduling, polling)', '', fmt(Math.max(0, run.seconds - activitySeconds - run.workflowTaskSeconds), 2), '', '', '', '']);
  return table(rows, (c) => c > 0);
}

function cpuLine(cpu: CpuUsage, cpus: number): string {
  return `${fmt(cpu.machineBusy * 100, 0)}% of ${cpus} cores; ${fmt(cpu.postgresCoreSeconds)} / ${fmt(cpu.workerCoreSeconds)}`;
}

function scaleOutRows(s: ScaleOutResult, cpus: number): string[][] {
  return [
    [`sync by ${s.workers} workers (mergeLanes ${s.mergeLanes}), seconds`, `${fmt(s.seconds, 2)} = ${fmt(s.speedUp, 2)}× one worker's speed; chunks merged by ${s.workers === s.chunkWorkers ? 'all' : s.chunkWorkers} of them`],
    [`CPU, sync by ${s.workers} workers`, cpuLine(s.cpu, cpus)],
    [`worker peak RSS MB, ${s.workers} workers (highest)`, fmt(s.peakRssMb)],
  ];
}

/** The human-readable report: the headline table, then where each run's time went. */
export function formatBenchReport(r: BenchResult): string {
  const executions = (run: SyncRunResult): string =>
    `${int(run.historyEvents)} (${run.executions} execution${run.executions === 1 ? '' : 's'})`;
  // A ratio against a bound that did other work would mislead: none is printed then.
  const sameRows = r.verification.countsMatch && r.verification.contentMatches;
  const ratio = (times: number): string => (sameRows ? `${fmt(times, 2)}×` : 'none: the rows differ from COPY (see below)');
  const headline = [
    ['metric', 'value'],
    ['customers', int(r.customers)],
    ['file rows / size', `${int(r.file.rows)} rows, ${fmt(r.file.megabytes)} MB`],
    ['rows written (target tables)', int(r.rowsWritten)],
    ['sync seconds', fmt(r.sync.seconds, 2)],
    ['customers/s', int(r.sync.customersPerSecond)],
    ['× COPY (sync / COPY)', ratio(r.sync.timesCopy)],
    ['re-sync seconds (all unchanged)', fmt(r.resync.seconds, 2)],
    ['re-sync × COPY', ratio(r.resync.timesCopy)],
    ...(r.delta
      ? [
          [`delta of ${int(r.delta.changed)} changed over ${int(r.customers)} stored, seconds`, `${fmt(r.delta.seconds, 2)} (${int(r.delta.totals.updated)} updated; WAL ${fmt(r.delta.walMb)} MB)`],
          ...duplicateCheckRows(r.delta, r.customers),
        ]
      : []),
    ['COPY seconds (the bound)', `${fmt(r.copy.seconds, 2)} (${int(r.copy.rowsPerSecond)} rows/s)`],
    [`worker peak RSS MB (runs${workerSettings(r.worker)})`, fmt(r.worker.peakRssMb)],
    [
      'worker memory at the peak, MB',
      `main heap ${fmt(r.worker.atPeakMb.heapTotal)} (in use ${fmt(r.worker.atPeakMb.heapUsed)}), buffers ${fmt(r.worker.atPeakMb.external)}, the rest ${fmt(r.worker.atPeakMb.rest)} (code, workflow and connector threads, Temporal core)`,
    ],
    [`worker peak RSS MB (startup, ${r.worker.compiled ? 'compiled, ' : ''}${r.worker.prebuiltBundle ? 'prebuilt bundle' : 'from source, bundle made in a child process'})`, fmt(r.worker.startupPeakRssMb)],
    ['history events, sync', executions(r.sync)],
    ['history events, re-sync', executions(r.resync)],
    ['largest payload (bytes)', int(Math.max(r.sync.largestPayloadBytes, r.resync.largestPayloadBytes))],
    ['sync outcome', `${int(r.sync.totals.created)} created, ${int(r.sync.totals.updated)} updated, ${int(r.sync.totals.unchanged)} unchanged, ${int(r.sync.totals.rejected)} rejected`],
    ['re-sync outcome', `${int(r.resync.totals.created)} created, ${int(r.resync.totals.updated)} updated, ${int(r.resync.totals.unchanged)} unchanged, ${int(r.resync.totals.rejected)} rejected`],
    ['disk MB (sync / COPY)', `${fmt(r.diskMb.sync)} / ${fmt(r.diskMb.copy)}`],
    ['disk bytes per customer (sync / COPY)', `${int((r.diskMb.sync * MB_BYTES) / r.customers)} / ${int((r.diskMb.copy * MB_BYTES) / r.customers)}`],
    ['WAL MB written (sync / re-sync / COPY)', `${fmt(r.walMb.sync)} / ${fmt(r.walMb.resync)} / ${fmt(r.walMb.copy)}`],
    ['CPU, sync (machine busy; PostgreSQL / worker core-s)', cpuLine(r.cpu.sync, r.environment.cpus)],
    ['CPU, re-sync', cpuLine(r.cpu.resync, r.environment.cpus)],
    ...(r.scaleOut ? scaleOutRows(r.scaleOut, r.environment.cpus) : []),
    ['same rows as COPY', sameRows ? 'yes (row counts, content and input hashes)' : `NO: ${r.verification.problems.join('; ')}`],
  ];
  const perTable = [['table', 'rows', 'COPY s']];
  for (const [t, n] of Object.entries(r.rowsPerTable)) perTable.push([t, int(n), fmt(r.copy.perTableSeconds[t as TargetTable] ?? 0, 2)]);
  const parts = [
    table(headline, (c) => c > 0),
    '',
    `PostgreSQL ${r.environment.postgres}, Node ${r.environment.node}, ${r.environment.cpus} CPUs; chunkSize ${r.environment.chunkSize}, pageSize ${r.environment.pageSize}, seed ${r.environment.seed}; file generated in ${fmt(r.file.generateSeconds, 1)} s, COPY rows prepared in ${fmt(r.copy.prepareSeconds, 1)} s (untimed).`,
    '',
    table(perTable, (c) => c > 0),
    '',
    `Sync ${r.sync.workflowId}: where the time went`,
    activityTable(r.sync),
    '',
    `Re-sync ${r.resync.workflowId}: where the time went`,
    activityTable(r.resync),
    ...(r.delta ? ['', `Delta ${r.delta.workflowId}: where the time went`, activityTable(r.delta)] : []),
  ];
  for (const [run, trace] of Object.entries(r.sqlTrace ?? {})) {
    const rows = [[`SQL in the worker, ${run}`, 'calls', 'total s', 'max ms', 'param MB']];
    for (const s of trace.slice(0, 15)) {
      rows.push([s.statement.slice(0, 100), int(s.calls), fmt(s.totalMs / 1000, 2), fmt(s.maxMs, 0), fmt(s.paramBytes / 1e6, 1)]);
    }
    const total = trace.reduce((n, s) => n + s.totalMs, 0);
    rows.push(['(all statements)', int(trace.reduce((n, s) => n + s.calls, 0)), fmt(total / 1000, 2), '', '']);
    parts.push('', table(rows, (c) => c > 0));
  }
  return parts.join('\n');
}

/** How the worker process was started, as the report's label says it: `, node <options>, NAME=value`. */
function workerSettings(worker: BenchResult['worker']): string {
  const env = Object.entries(worker.env ?? {}).map(([name, value]) => `${name}=${value}`);
  return [...(worker.nodeOptions.length > 0 ? [`node ${worker.nodeOptions.join(' ')}`] : []), ...env].map((part) => `, ${part}`).join('');
}
