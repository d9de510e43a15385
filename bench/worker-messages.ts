import type { SqlTraceEntry } from './sql-trace.js';

/** What the benchmark sends its worker process. */
export type ParentMessage = { type: 'reset-peak' } | { type: 'take-sql-trace' } | { type: 'stop' } | { type: 'release-hold' };

interface Memory {
  /** Resident set size now, bytes. */
  rssBytes: number;
  /** Peak resident set size (VmHWM) since start or the last reset, bytes. */
  peakBytes: number;
}

/** The worker's `process.memoryUsage()` when its sampled RSS was highest, bytes. */
export interface MemoryAtPeak {
  rss: number;
  /** The main thread's V8 heap, reserved and in use. */
  heapTotal: number;
  heapUsed: number;
  /** Memory of JS objects held outside the V8 heap (buffers). */
  external: number;
}

/** What the worker process reports. */
export type WorkerMessage =
  | ({ type: 'ready'; atStartup: MemoryAtPeak } & Memory)
  | ({ type: 'peak-reset' } & Memory)
  | { type: 'sql-trace'; entries: SqlTraceEntry[] }
  | { type: 'holding'; activityType: string; call: number }
  | ({ type: 'stopped'; maxRssBytes: number; atPeak: MemoryAtPeak; sqlTrace?: SqlTraceEntry[] } & Memory)
  | { type: 'failed'; error: string };
