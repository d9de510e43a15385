import { pushStatus, type PushSummary } from '../db/repositories/customer-pushes.js';
import { listDeletionApprovals, type DeletionApproval } from './deletions.js';
import type { OperationDeps } from './operation-deps.js';
import { notificationTargets, type NotificationTargetStatus } from './notifications.js';
import { openDuplicateCounts } from './duplicates.js';
import { heldCustomerCounts } from './review.js';
import { lastRunOfEachFlow, type RunRow } from './runs.js';
import { listSchedules, type ScheduleStatus } from './schedules/list-schedules.js';

/** One flow at a glance: its schedule, last run, and what waits for a person. */
export interface FlowOverview {
  flow: string;
  /** Absent when Temporal could not be asked (see `temporalError`). */
  schedule?: ScheduleStatus;
  lastRun?: RunRow;
  heldForReview: number;
  waitingDeletions: (Omit<DeletionApproval, 'customers'> & { customers?: undefined })[];
}

/** Every flow at a glance, the pushes per target, and the possible duplicates waiting for a decision. */
export async function consoleOverview(
  deps: Pick<OperationDeps, 'db' | 'client' | 'config'>,
): Promise<{ flows: FlowOverview[]; pushes: PushSummary[]; notifications: NotificationTargetStatus[]; duplicates: { strong: number; weak: number }; temporalError?: string }> {
  const [schedules, lastRuns, held, waiting, pushes, notifications, duplicates] = await Promise.all([
    listSchedules(deps.client, deps.config).then(
      (list) => ({ list }),
      (error: unknown) => ({ list: [] as ScheduleStatus[], error: (error as Error).message }),
    ),
    lastRunOfEachFlow(deps),
    heldCustomerCounts(deps),
    listDeletionApprovals(deps, { customersPerRun: 0 }),
    pushStatus(deps.db, { limit: 0 }),
    notificationTargets(deps),
    openDuplicateCounts(deps),
  ]);
  const flows = Object.keys(deps.config.flows)
    .sort()
    .map((flow): FlowOverview => {
      const schedule = schedules.list.find((s) => s.flow === flow);
      const lastRun = lastRuns.find((r) => r.flow === flow);
      return {
        flow,
        ...(schedule ? { schedule } : {}),
        ...(lastRun ? { lastRun } : {}),
        heldForReview: held.get(flow) ?? 0,
        waitingDeletions: waiting.filter((w) => w.flow === flow).map((w) => ({ ...w, customers: undefined })),
      };
    });
  return { flows, pushes: pushes.summary, notifications, duplicates, ...('error' in schedules && schedules.error ? { temporalError: schedules.error } : {}) };
}
