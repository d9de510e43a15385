/** `npm run bench -- --workers N`: the same sync by N worker processes sharing one run. */
import type { Client } from '@temporalio/client';
import { loadConfig } from '../src/config/load-config.js';
import type { CustsyncConfig } from '../src/config/config-schema.js';
import { createBenchDatabase, dropBenchDatabase, snapshotTables, TARGET_TABLES, type TableSnapshot } from './bench-database.js';
import type { ScaleOutResult } from './bench-report.js';
import { cpuUsageBetween, sampleCpu } from './cpu-usage.js';
import { runHistoryStats } from './workflow-history.js';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions } from './worker-process.js';

const MB = 1024 * 1024;

/** Options for {@link syncOnWorkers}. */
export interface ScaleOutOptions {
  workers: number;
  /** The fresh database the workers sync into, dropped at cleanup unless `keep`. */
  database: { serverUrl: string; name: string; keep: boolean };
  /** Writes the bench's config with this `mergeLanes` and returns its path. */
  configFileWith: (mergeLanes: number) => string;
  /** How each worker process starts (its database and config are set here). */
  worker: Omit<WorkerProcessOptions, 'databaseUrl' | 'configFile'>;
  /** Starts the timed sync on the workers' task queue with their config. */
  run: (taskQueue: string, config: CustsyncConfig) => Promise<{ workflowId: string; firstRunId: string; seconds: number }>;
  client: Client;
  /** The one-worker sync to compare with. */
  oneWorker: { seconds: number; snapshot: TableSnapshot };
  cleanup: { add(what: string, run: () => Promise<void>): void };
  log: (message: string) => void;
}

/**
 * Starts `workers` worker processes on one task queue against a fresh database, with the flow's
 * `mergeLanes` at two per worker, times the sync of the file on them and says how it compares
 * with the one-worker sync: speed-up, workers that merged chunks, CPU and rows written.
 */
export async function syncOnWorkers(options: ScaleOutOptions): Promise<ScaleOutResult> {
  const { workers, database, cleanup, log } = options;
  const mergeLanes = 2 * workers;
  cleanup.add('drop the scale-out database', () => (database.keep ? Promise.resolve() : dropBenchDatabase(database.serverUrl, database.name)));
  const databaseUrl = await createBenchDatabase(database.serverUrl, database.name);
  const configFile = options.configFileWith(mergeLanes);
  log(`starting ${workers} worker processes on ${options.worker.taskQueue} (mergeLanes ${mergeLanes})`);
  const processes: WorkerProcess[] = [];
  cleanup.add('stop the scale-out workers', () => {
    for (const w of processes) w.kill();
    return Promise.resolve();
  });
  for (let i = 0; i < workers; i++) processes.push(await startWorkerProcess({ ...options.worker, databaseUrl, configFile }));

  const pids = processes.map((w) => w.pid);
  log(`sync by ${workers} workers`);
  const cpuBefore = sampleCpu(pids);
  const run = await options.run(options.worker.taskQueue, loadConfig(configFile).config);
  const cpu = cpuUsageBetween(cpuBefore, sampleCpu(pids));
  log(`sync by ${workers} workers done in ${run.seconds.toFixed(2)} s`);
  const stopped = await Promise.all(processes.map((w) => w.stop()));
  const history = await runHistoryStats(options.client, run.workflowId, run.firstRunId);
  const snapshot = await snapshotTables(databaseUrl);
  const one = options.oneWorker.snapshot;
  return {
    workers,
    mergeLanes,
    seconds: run.seconds,
    speedUp: options.oneWorker.seconds / run.seconds,
    chunkWorkers: history.activities.find((a) => a.activity === 'mergeChunk')?.workers ?? 0,
    peakRssMb: Math.max(...stopped.map((p) => p.peakBytes)) / MB,
    cpu,
    sameRows: TARGET_TABLES.every((t) => snapshot.counts[t] === one.counts[t]) && snapshot.fingerprint === one.fingerprint,
  };
}
