import { createHash } from 'node:crypto';
import { ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import { DEFAULT_SCHEDULE_EVERY_MS, type CustsyncConfig } from '../../config/config-schema.js';
import { planFlow, runSummary } from '../../config/flow-plan.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';

/** Schedules custsync manages have ids with this prefix; others are left alone. */
export const SCHEDULE_ID_PREFIX = 'custsync/';

export const scheduleIdOf = (flow: string): string => `${SCHEDULE_ID_PREFIX}${flow}`;

/**
 * The Temporal Schedule of a configured flow (undefined when `schedule: false`): an
 * ordinary run of the flow with trigger `schedule`, overlap policy skip (a run still
 * going makes the next one skip; the flow's lease refuses any other), the configured
 * interval or cron, jitter and catch-up window. The action's memo carries a fingerprint
 * of all of it, so `schedules apply` can tell an unchanged schedule.
 */
export function scheduleOptionsFor(config: CustsyncConfig, flow: string, temporal: TemporalSettings): ScheduleOptions | undefined {
  const schedule = config.flows[flow]?.schedule;
  if (schedule === undefined || schedule === false) return undefined;
  const input = planFlow(config, flow, { trigger: 'schedule' });
  const spec = {
    ...(schedule.cron ? { cronExpressions: schedule.cron } : { intervals: [{ every: schedule.every ?? DEFAULT_SCHEDULE_EVERY_MS }] }),
    ...(schedule.jitter > 0 ? { jitter: schedule.jitter } : {}),
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: schedule.catchupWindow };
  const scheduleId = scheduleIdOf(flow);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ spec, policies, input, taskQueue: temporal.taskQueue }))
    .digest('hex')
    .slice(0, 12);
  return {
    scheduleId,
    spec,
    policies,
    action: {
      type: 'startWorkflow',
      workflowType: 'customerSyncWorkflow',
      workflowId: `sync/${flow}/scheduled`,
      taskQueue: temporal.taskQueue,
      args: [input],
      memo: { flow, trigger: 'schedule', schedule: scheduleId, scheduleFingerprint: fingerprint },
      staticSummary: runSummary(input),
    },
    memo: { flow },
    state: { paused: schedule.paused, note: schedule.paused ? 'created paused (schedule.paused in the config)' : 'created by custsync schedules apply' },
  };
}

/** The fingerprint an applied schedule carries (see {@link scheduleOptionsFor}). */
export function fingerprintOf(options: Pick<ScheduleOptions, 'action'>): string | undefined {
  const memo = (options.action as { memo?: Record<string, unknown> }).memo;
  return typeof memo?.scheduleFingerprint === 'string' ? memo.scheduleFingerprint : undefined;
}
