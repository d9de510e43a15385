import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/telemetry/metric-catalog.js';
import { createMetricSet } from '../../src/telemetry/metric-set.js';
import { createWorkerMetrics } from '../../src/telemetry/worker-metrics.js';
import type { RunReport } from '../../src/domain/run-types.js';

describe('the metric catalog', () => {
  it('names every metric as Prometheus expects: custsync_ prefix, _total counters, base units', () => {
    for (const d of Object.values(METRICS)) {
      expect(d.name).toMatch(/^custsync_[a-z_]+$/);
      if (d.kind === 'counter') expect(d.name).toMatch(/_total$/);
      else expect(d.name).not.toMatch(/_total$/);
      if (d.kind === 'histogram') expect(d.name).toMatch(/_seconds$/);
      expect(d.help.length).toBeGreaterThan(20);
      for (const label of d.labels) expect(label).toMatch(/^[a-z][a-z_]*$/);
    }
    expect(new Set(Object.values(METRICS).map((d) => d.name)).size).toBe(Object.keys(METRICS).length);
  });

  it('registers every metric with its help and type', async () => {
    const registry = new Registry();
    createMetricSet(registry, Object.keys(METRICS) as (keyof typeof METRICS)[]);
    const text = await registry.metrics();
    for (const d of Object.values(METRICS)) {
      expect(text).toContain(`# TYPE ${d.name} ${d.kind}`);
      expect(text).toContain(`# HELP ${d.name} `);
    }
  });
});

const report = (over: Partial<RunReport>): RunReport =>
  ({
    runId: 'sync/erp/20261203T080000000Z-abcd',
    flow: 'erp',
    trigger: 'schedule',
    status: 'completed',
    dryRun: false,
    durationMs: 12_500,
    totals: { created: 3, updated: 2, unchanged: 10, rejected: 1 },
    steps: [],
    ...over,
  }) as RunReport;

describe('what the worker records when a run finishes', () => {
  it('counts the run by outcome, its duration and its customers by change', async () => {
    const metrics = createWorkerMetrics();
    metrics.runFinished(report({}));
    metrics.runFinished(report({ status: 'failed', durationMs: 500 }));
    metrics.runFinished(report({ dryRun: true }));
    const text = await metrics.registry.metrics();
    expect(text).toContain('custsync_runs_total{flow="erp",trigger="schedule",outcome="completed"} 2');
    expect(text).toContain('custsync_runs_total{flow="erp",trigger="schedule",outcome="failed"} 1');
    expect(text).toContain('custsync_run_duration_seconds_sum{flow="erp",outcome="completed"} 25');
    expect(text).toContain('custsync_run_duration_seconds_bucket{le="1",flow="erp",outcome="failed"} 1');
    // A dry run and a failed run change no customer.
    expect(text).toContain('custsync_customers_total{flow="erp",change="created"} 3');
    expect(text).toContain('custsync_customers_total{flow="erp",change="unchanged"} 10');
  });

  it('starts the counters alerts watch at zero, so that a first failure shows as an increase', async () => {
    const metrics = createWorkerMetrics(undefined, { flows: ['erp'], pushTargets: ['oms'] });
    const text = await metrics.registry.metrics();
    expect(text).toContain('custsync_runs_total{flow="erp",trigger="schedule",outcome="failed"} 0');
    expect(text).toContain('custsync_pushes_total{target="oms",outcome="failed"} 0');
    expect(text).toContain('custsync_notifications_total{outcome="failed"} 0');
  });

  it('counts rejected rows by flow and connector', async () => {
    const metrics = createWorkerMetrics();
    metrics.rowsRejected('erp', 'erp', 4);
    metrics.rowsRejected('erp', 'erp', 0);
    metrics.rowsRejected('erp', 'crm', 1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('custsync_rows_rejected_total{flow="erp",connector="erp"} 4');
    expect(text).toContain('custsync_rows_rejected_total{flow="erp",connector="crm"} 1');
  });

  it('records nothing for a run still running, and no zero counts', async () => {
    const metrics = createWorkerMetrics();
    metrics.runFinished(report({ status: 'running' }));
    metrics.customersMarkedMissing('erp', 0);
    metrics.customersDeleted('erp', 0);
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^custsync_runs_total\{/m);
    expect(text).not.toMatch(/^custsync_customers_marked_missing_total\{/m);
    metrics.customersDeleted('erp', 7);
    expect(await metrics.registry.metrics()).toContain('custsync_customers_deleted_total{flow="erp"} 7');
  });
});
