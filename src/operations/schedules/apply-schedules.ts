import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import type { CustsyncConfig } from '../../config/config-schema.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import { fingerprintOf, SCHEDULE_ID_PREFIX, scheduleIdOf, scheduleOptionsFor } from './schedule-options.js';

export interface ScheduleChange {
  flow: string;
  scheduleId: string;
  change: 'created' | 'updated' | 'unchanged' | 'removed';
}

/**
 * Makes Temporal's schedules match the config: one per flow with a schedule, created,
 * updated (spec, policies, action; a pause set by an operator stays) or removed,
 * including schedules of flows no longer in the config that start runs on this task queue. Running it twice changes nothing.
 * @param options.dryRun only say what would change (default false)
 */
export async function applySchedules(client: Client, config: CustsyncConfig, temporal: TemporalSettings, options: { dryRun?: boolean } = {}): Promise<ScheduleChange[]> {
  const act = async (change: () => Promise<unknown>) => {
    if (!options.dryRun) await change();
  };
  const changes: ScheduleChange[] = [];
  for (const flow of Object.keys(config.flows).sort()) {
    const scheduleId = scheduleIdOf(flow);
    const wanted = scheduleOptionsFor(config, flow, temporal);
    const handle = client.schedule.getHandle(scheduleId);
    let current: ScheduleDescription | undefined;
    try {
      current = await handle.describe();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
    if (!wanted) {
      if (current) {
        await act(() => handle.delete());
        changes.push({ flow, scheduleId, change: 'removed' });
      }
      continue;
    }
    if (!current) {
      await act(() => client.schedule.create(wanted));
      changes.push({ flow, scheduleId, change: 'created' });
    } else if (fingerprintOf(current) === fingerprintOf(wanted)) {
      changes.push({ flow, scheduleId, change: 'unchanged' });
    } else {
      await act(() =>
        handle.update((previous) => ({
          spec: wanted.spec,
          action: wanted.action,
          policies: wanted.policies,
          state: { paused: previous.state.paused, note: previous.state.note },
        })),
      );
      changes.push({ flow, scheduleId, change: 'updated' });
    }
  }
  for await (const listed of client.schedule.list()) {
    if (!listed.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) continue;
    const flow = listed.scheduleId.slice(SCHEDULE_ID_PREFIX.length);
    if (flow in config.flows) continue;
    try {
      const handle = client.schedule.getHandle(listed.scheduleId);
      // Another deployment's schedule (another task queue in the same namespace) is not ours to remove.
      const action = (await handle.describe()).action;
      if (action.type !== 'startWorkflow' || action.taskQueue !== temporal.taskQueue) continue;
      await act(() => handle.delete());
      changes.push({ flow, scheduleId: listed.scheduleId, change: 'removed' });
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  return changes;
}
