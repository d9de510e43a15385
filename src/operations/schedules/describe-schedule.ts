import { DEFAULT_SCHEDULE_EVERY_MS, type FlowConfig } from '../../config/config-schema.js';
import { formatDuration } from '../../domain/format-duration.js';

/** A schedule in a few words, e.g. `every 1h (catch-up 1h)`. */
export function describeSchedule(schedule: FlowConfig['schedule']): string {
  if (schedule === false) return 'none (on demand only)';
  const when = schedule.cron ? `cron ${schedule.cron.join('; ')} UTC` : `every ${formatDuration(schedule.every ?? DEFAULT_SCHEDULE_EVERY_MS)}`;
  const extras = [
    schedule.jitter > 0 ? `jitter ${formatDuration(schedule.jitter)}` : '',
    `catch-up ${formatDuration(schedule.catchupWindow)}`,
    schedule.paused ? 'paused' : '',
  ].filter(Boolean);
  return `${when} (${extras.join(', ')})`;
}
