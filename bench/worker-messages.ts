import type { SqlTraceEntry } from './sql-trace.js';

/** What the benchmark sends its worker process. */
export type ParentMessage = { type: 'reset-peak' } | { type: 'take-sql-trace' } | { type: 'stop' } | { type: 'release-hold' };

interface Memory {
  /** Resident set size now, bytes. */
  rssBytes: number;
  /** Peak resident set size (VmHWM) since start or the last reset, bytes. */
  peakBytes: number;
}

/** What the worker process reports. */
export type WorkerMessage =
  | ({ type: 'ready' } & Memory)
  | ({ type: 'peak-reset' } & Memory)
  | { type: 'sql-trace'; entries: SqlTraceEntry[] }
  | { type: 'holding'; activityType: string; call: number }
  | ({ type: 'stopped'; maxRssBytes: number; sqlTrace?: SqlTraceEntry[] } & Memory)
  | { type: 'failed'; error: string };
