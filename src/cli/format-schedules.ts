import type { ScheduleStatus } from '../operations/schedules/list-schedules.js';

/** The schedules as `schedules list` prints them. */
export function formatSchedules(list: ScheduleStatus[]): string {
  if (list.length === 0) return 'no flows configured';
  const lines: string[] = [];
  for (const s of list) {
    const state =
      s.state === 'absent' ? 'not created yet (custsync schedules apply)' : s.state === 'none' ? 'on demand only' : s.state;
    lines.push(`${s.flow}  ${s.scheduleId}  ${state}  — ${s.configured}`);
    if (s.note && s.state === 'paused') lines.push(`  note: ${s.note}`);
    if (s.nextRuns.length > 0) lines.push(`  next: ${s.nextRuns.join(', ')}`);
    for (const r of s.recentRuns) lines.push(`  ran:  ${r.workflowId} (scheduled ${r.scheduledAt})`);
  }
  return lines.join('\n');
}
