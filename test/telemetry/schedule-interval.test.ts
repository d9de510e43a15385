import { describe, expect, it } from 'vitest';
import { scheduleSchema } from '../../src/config/config-schema.js';
import { scheduleIntervalSeconds } from '../../src/config/schedule-interval.js';

const interval = (schedule: unknown) => scheduleIntervalSeconds(scheduleSchema.parse(schedule));

describe('the interval a flow is measured against ("not successful for twice its schedule")', () => {
  it('is the schedule’s every, hourly by default, with its jitter added', () => {
    expect(interval({ every: '15m' })).toBe(900);
    expect(interval({})).toBe(3_600);
    expect(interval({ every: '1h', jitter: '5m' })).toBe(3_900);
  });

  it('is the widest gap between a cron schedule’s times, across all its expressions', () => {
    expect(interval({ cron: ['0 2 * * *'] })).toBe(86_400);
    // Weekdays at 06:00: Friday to Monday is the widest gap.
    expect(interval({ cron: ['0 6 * * 1-5'] })).toBe(3 * 86_400);
    // 06:00 and 18:00 from two expressions: twelve hours apart.
    expect(interval({ cron: ['0 6 * * *', '0 18 * * *'] })).toBe(43_200);
    expect(interval({ cron: ['*/10 * * * *'], jitter: '1m' })).toBe(660);
  });

  it('is absent for a flow without a schedule, or whose cron expressions cannot be read here', () => {
    expect(scheduleIntervalSeconds(false)).toBeUndefined();
    expect(interval({ cron: ['@every 1h'] })).toBeUndefined();
    expect(interval({ cron: ['not a cron'] })).toBeUndefined();
  });
});
