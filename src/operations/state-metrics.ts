import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { CustsyncConfig } from '../config/config-schema.js';
import { scheduleIntervalSeconds } from '../config/schedule-interval.js';
import type { Database } from '../db/database.js';
import { operationalState } from '../db/repositories/operational-state.js';
import { createMetricSet } from '../telemetry/metric-set.js';

/** Gauges of what waits (reviews, approvals, pushes, notifications) and when each flow last succeeded. */
export interface StateMetrics {
  /** Reads the state from the database into the gauges: once per scrape, never on a timer. */
  refresh(): Promise<void>;
}

/** Registers the state gauges in `registry`; the schedule intervals come from the config once. */
export function registerStateMetrics(registry: Registry, deps: { db: Kysely<Database>; config: CustsyncConfig }): StateMetrics {
  const m = createMetricSet(registry, [
    'reviewQueue',
    'reviewQueueOldestAge',
    'approvalsWaiting',
    'approvalOldestAge',
    'pushBacklog',
    'notificationOutbox',
    'lastSuccess',
    'scheduleInterval',
  ]);
  for (const [flow, settings] of Object.entries(deps.config.flows)) {
    const interval = scheduleIntervalSeconds(settings.schedule);
    if (interval !== undefined) m.scheduleInterval.set({ flow }, interval);
  }
  return {
    async refresh() {
      const state = await operationalState(deps.db);
      m.reviewQueue.set(state.reviewQueue);
      m.reviewQueueOldestAge.set(state.reviewOldestAgeSeconds);
      m.approvalsWaiting.set(state.approvalsWaiting);
      m.approvalOldestAge.set(state.approvalOldestAgeSeconds);
      m.notificationOutbox.set(state.notificationsPending);
      m.pushBacklog.reset();
      for (const p of state.pushBacklog) m.pushBacklog.set({ target: p.target }, p.pending);
      const succeeded = new Map(state.lastSuccess.map((s) => [s.flow, s.finishedAt.getTime() / 1_000]));
      for (const flow of Object.keys(deps.config.flows)) m.lastSuccess.set({ flow }, succeeded.get(flow) ?? 0);
    },
  };
}
