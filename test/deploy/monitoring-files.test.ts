import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRICS } from '../../src/telemetry/metric-catalog.js';

const run = promisify(execFile);
const at = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const PROMETHEUS = at('deploy/prometheus');
const production = readFileSync(at('docs/production.md'), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  annotations: { summary: string; runbook_url: string };
}
const groups = (parse(readFileSync(at('deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups;
const alerts = groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(at('deploy/grafana/custsync.json'), 'utf8')) as { panels: { type: string; title: string; targets?: { expr: string }[] }[] };
const dashboardExpressions = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

/** Series names an expression reads: custsync's (a histogram's _bucket, _sum, _count included), the SDK's, `up`. */
const seriesIn = (expr: string) => [...expr.matchAll(/\b((?:custsync|temporal)_[a-z_]+|up)\b/g)].map((m) => m[1]!);
const CATALOG = new Set(Object.values(METRICS).flatMap((d) => (d.kind === 'histogram' ? [`${d.name}_bucket`, `${d.name}_sum`, `${d.name}_count`] : [d.name])));
/** The Temporal SDK's metrics the rules and the dashboard read (as `custsync worker --metrics` serves them). */
const SDK = new Set(['temporal_num_pollers', 'temporal_activity_schedule_to_start_latency_seconds_bucket']);

describe('the Prometheus files in deploy/', () => {
  it('pass promtool: the rules, the scrape config, and the rules’ unit tests', { timeout: 60_000 }, async () => {
    const rules = await run('promtool', ['check', 'rules', 'alerts.yml'], { cwd: PROMETHEUS });
    expect(rules.stdout).toContain(`SUCCESS: ${alerts.length} rules found`);
    const config = await run('promtool', ['check', 'config', 'prometheus.yml'], { cwd: PROMETHEUS });
    expect(config.stdout).toContain('SUCCESS');
    const tests = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: PROMETHEUS });
    expect(tests.stdout).toContain('SUCCESS');
  });

  it('give every alert a runbook section in docs/production.md', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    for (const rule of alerts) {
      expect(rule.annotations.runbook_url).toBe(`docs/production.md#${rule.alert.toLowerCase()}`);
      expect(production, `docs/production.md has no section for ${rule.alert}`).toContain(`\n### ${rule.alert}\n`);
    }
  });

  it('cover what on-call needs: stale flows, failing runs, waiting people, pushes, workers', () => {
    const watched = new Set(alerts.flatMap((r) => seriesIn(r.expr)));
    for (const series of [
      'custsync_flow_last_success_timestamp_seconds',
      'custsync_runs_total',
      'custsync_deletion_approval_oldest_age_seconds',
      'custsync_review_queue_oldest_age_seconds',
      'custsync_pushes_total',
      'temporal_activity_schedule_to_start_latency_seconds_bucket',
      'temporal_num_pollers',
      'up',
    ]) {
      expect(watched, series).toContain(series);
    }
  });

  it('read only metrics custsync or the SDK export, in the alerts and the Grafana dashboard', () => {
    for (const expr of [...alerts.map((r) => r.expr), ...dashboardExpressions]) {
      for (const series of seriesIn(expr)) {
        if (series !== 'up') expect(CATALOG.has(series) || SDK.has(series), `${series} in ${expr}`).toBe(true);
      }
    }
  });
});

describe('docs/production.md', () => {
  it('describes every metric custsync exports', () => {
    for (const d of Object.values(METRICS)) expect(production, d.name).toMatch(new RegExp(`\\| \`${d.name}\` \\| ${d.kind} \\|\\s*${d.labels.join(', ')}\\s*\\| ${d.source} \\|`));
  });
});

describe('the Grafana dashboard', () => {
  it('charts every custsync metric', () => {
    const charted = new Set(dashboardExpressions.flatMap(seriesIn).map((s) => s.replace(/_(bucket|sum|count)$/, '')));
    for (const d of Object.values(METRICS)) expect(charted, d.name).toContain(d.name);
  });
});
