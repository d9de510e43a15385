import { Registry } from 'prom-client';
import type { RunReport } from '../domain/run-types.js';
import { createMetricSet } from './metric-set.js';

/** What the worker records, at the moment each thing happens (never by polling the database). */
export interface WorkerMetrics {
  /** The registry they are in (scraped through `custsync worker --metrics`). */
  registry: Registry;
  /** A run's report when it finished: the run, its duration and its customers. */
  runFinished(report: RunReport): void;
  /** An input staged: the rows of it that were rejected (also when they fail the run). */
  rowsRejected(flow: string, connector: string, count: number): void;
  customersMarkedMissing(flow: string, count: number): void;
  customersDeleted(flow: string, count: number): void;
  /** One push settled: its outcome, and how long the target took. */
  pushSettled(target: string, outcome: 'pushed' | 'retry' | 'failed' | 'skipped', seconds: number): void;
  notificationSettled(outcome: 'sent' | 'retry' | 'failed' | 'skipped'): void;
}

/** What the worker's counters start at zero for. */
export interface WorkerMetricSeries {
  /** Flows whose runs are counted from zero; default none. */
  flows?: readonly string[];
  /** Push targets whose pushes are counted from zero; default none. */
  pushTargets?: readonly string[];
}

/** Triggers a run of any flow may have, counted from zero so that the first failure shows in `increase()`. */
const COUNTED_TRIGGERS = ['schedule', 'cli', 'api', 'order-event'] as const;

/**
 * The worker's metrics in `registry` (default a new one). Counters of the failures alerts watch
 * start at zero for every flow, push target and notification outcome: a series that first
 * appears at 1 shows no `increase()`, and its first failure would alert no one.
 */
export function createWorkerMetrics(registry: Registry = new Registry(), series: WorkerMetricSeries = {}): WorkerMetrics {
  const m = createMetricSet(registry, [
    'runs',
    'runDuration',
    'customers',
    'rowsRejected',
    'customersMarkedMissing',
    'customersDeleted',
    'pushes',
    'pushDuration',
    'notifications',
  ]);
  for (const flow of series.flows ?? []) {
    for (const trigger of COUNTED_TRIGGERS) for (const outcome of ['completed', 'failed']) m.runs.inc({ flow, trigger, outcome }, 0);
  }
  for (const target of series.pushTargets ?? []) for (const outcome of ['pushed', 'failed']) m.pushes.inc({ target, outcome }, 0);
  for (const outcome of ['sent', 'failed']) m.notifications.inc({ outcome }, 0);
  return {
    registry,
    runFinished(report) {
      if (report.status === 'running') return;
      const outcome = report.status;
      m.runs.inc({ flow: report.flow, trigger: report.trigger, outcome });
      m.runDuration.observe({ flow: report.flow, outcome }, report.durationMs / 1_000);
      if (outcome !== 'completed' || report.dryRun) return;
      for (const change of ['created', 'updated', 'unchanged', 'rejected'] as const) {
        const count = report.totals[change];
        if (count > 0) m.customers.inc({ flow: report.flow, change }, count);
      }
    },
    rowsRejected(flow, connector, count) {
      if (count > 0) m.rowsRejected.inc({ flow, connector }, count);
    },
    customersMarkedMissing(flow, count) {
      if (count > 0) m.customersMarkedMissing.inc({ flow }, count);
    },
    customersDeleted(flow, count) {
      if (count > 0) m.customersDeleted.inc({ flow }, count);
    },
    pushSettled(target, outcome, seconds) {
      m.pushes.inc({ target, outcome });
      if (outcome !== 'skipped') m.pushDuration.observe({ target }, seconds);
    },
    notificationSettled(outcome) {
      m.notifications.inc({ outcome });
    },
  };
}
