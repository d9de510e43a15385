import { CronExpressionParser } from 'cron-parser';
import { DEFAULT_SCHEDULE_EVERY_MS, type ScheduleConfig } from './config-schema.js';

/** Cron times looked at to find the longest gap: two weeks of an hourly schedule, a year of a weekly one. */
const CRON_SAMPLES = 400;

/**
 * The longest time a flow's schedule leaves between two runs, in seconds (jitter added): `every`,
 * or the widest gap between consecutive times of its cron expressions together; undefined for a
 * flow without a schedule, or whose cron expressions this parser does not read (Temporal's
 * `@every` among them). What "not successful for twice its schedule" is measured against.
 */
export function scheduleIntervalSeconds(schedule: ScheduleConfig | false, from: Date = new Date(Date.UTC(2026, 0, 1))): number | undefined {
  if (schedule === false) return undefined;
  const jitter = schedule.jitter / 1_000;
  if (!schedule.cron) return (schedule.every ?? DEFAULT_SCHEDULE_EVERY_MS) / 1_000 + jitter;
  const times = schedule.cron.flatMap((expression) => cronTimes(expression, from)).sort((a, b) => a - b);
  if (times.length < 2) return undefined;
  let widest = 0;
  for (let i = 1; i < times.length; i++) widest = Math.max(widest, times[i]! - times[i - 1]!);
  return widest / 1_000 + jitter;
}

function cronTimes(expression: string, from: Date): number[] {
  try {
    return CronExpressionParser.parse(expression, { currentDate: from, tz: 'UTC' })
      .take(CRON_SAMPLES)
      .map((d) => d.getTime());
  } catch {
    return [];
  }
}
