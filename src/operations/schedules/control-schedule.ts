import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleHandle } from '@temporalio/client';
import { OperationError } from '../../domain/operation-error.js';
import { scheduleIdOf } from './schedule-options.js';

async function handleOf(client: Client, flow: string): Promise<ScheduleHandle> {
  const handle = client.schedule.getHandle(scheduleIdOf(flow));
  try {
    await handle.describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) {
      throw new OperationError('not-found', `flow "${flow}" has no schedule (${scheduleIdOf(flow)}); create it with: custsync schedules apply`);
    }
    throw error;
  }
  return handle;
}

export async function pauseSchedule(client: Client, flow: string, note = 'paused with custsync schedules pause'): Promise<void> {
  await (await handleOf(client, flow)).pause(note);
}

export async function unpauseSchedule(client: Client, flow: string, note = 'unpaused with custsync schedules unpause'): Promise<void> {
  await (await handleOf(client, flow)).unpause(note);
}

/** Starts the scheduled action now; skipped, like any scheduled run, while one still runs. */
export async function triggerSchedule(client: Client, flow: string): Promise<void> {
  await (await handleOf(client, flow)).trigger(ScheduleOverlapPolicy.SKIP);
}

/** Takes the actions the schedule would have taken between `start` and `end`: one run each, one after another. */
export async function backfillSchedule(client: Client, flow: string, start: Date, end: Date): Promise<void> {
  if (!(start < end)) throw new OperationError('invalid', `--from (${start.toISOString()}) must be before --to (${end.toISOString()})`);
  await (await handleOf(client, flow)).backfill({ start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
}
