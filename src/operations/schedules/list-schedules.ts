import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { CustsyncConfig } from '../../config/config-schema.js';
import { describeSchedule } from './describe-schedule.js';
import { scheduleIdOf } from './schedule-options.js';

/** A flow's schedule as Temporal has it. */
export interface ScheduleStatus {
  flow: string;
  scheduleId: string;
  /** As configured, in words. */
  configured: string;
  /** `absent` when the config asks for one and `schedules apply` has not created it. */
  state: 'active' | 'paused' | 'absent' | 'none';
  note?: string;
  nextRuns: string[];
  recentRuns: { workflowId: string; scheduledAt: string }[];
}

/** Every configured flow's schedule: whether it exists, is paused, when it runs next and what it started last. */
export async function listSchedules(client: Client, config: CustsyncConfig): Promise<ScheduleStatus[]> {
  const out: ScheduleStatus[] = [];
  for (const [flow, definition] of Object.entries(config.flows).sort(([a], [b]) => a.localeCompare(b))) {
    const scheduleId = scheduleIdOf(flow);
    const base = { flow, scheduleId, configured: describeSchedule(definition.schedule), nextRuns: [], recentRuns: [] };
    try {
      const d = await client.schedule.getHandle(scheduleId).describe();
      out.push({
        ...base,
        state: d.state.paused ? 'paused' : 'active',
        ...(d.state.note ? { note: d.state.note } : {}),
        nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
        recentRuns: d.info.recentActions.slice(-3).map((a) => ({
          workflowId: a.action.workflow.workflowId,
          scheduledAt: a.scheduledAt.toISOString(),
        })),
      });
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      out.push({ ...base, state: definition.schedule === false ? 'none' : 'absent' });
    }
  }
  return out;
}
