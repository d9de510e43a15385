import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';

/** What waits on people or on targets right now, read in one round trip for the metrics a scrape answers with. */
export interface OperationalState {
  reviewQueue: number;
  reviewOldestAgeSeconds: number;
  approvalsWaiting: number;
  approvalOldestAgeSeconds: number;
  notificationsPending: number;
  pushBacklog: { target: string; pending: number }[];
  lastSuccess: { flow: string; finishedAt: Date }[];
}

export async function operationalState(db: Kysely<Database>): Promise<OperationalState> {
  const { rows } = await sql<{
    review_queue: number;
    review_oldest: number | null;
    approvals: number;
    approval_oldest: number | null;
    notifications: number;
    pushes: { target: string; pending: number }[] | null;
    successes: { flow: string; finishedAt: string }[] | null;
  }>`
    select
      (select count(*)::int from pending_customers where status = 'pending') as review_queue,
      (select extract(epoch from now() - min(held_at))::float8 from pending_customers where status = 'pending') as review_oldest,
      (select count(*)::int from sync_runs where status = 'running' and deletion_status = 'awaiting-approval') as approvals,
      (select extract(epoch from now() - min(coalesce(deletion_status_at, started_at)))::float8 from sync_runs
        where status = 'running' and deletion_status = 'awaiting-approval') as approval_oldest,
      (select count(*)::int from notification_outbox where status = 'pending') as notifications,
      (select json_agg(json_build_object('target', target, 'pending', n)) from
        (select target, count(*)::int as n from customer_pushes where status = 'pending' group by target) p) as pushes,
      (select json_agg(json_build_object('flow', flow, 'finishedAt', finished_at)) from
        (select flow, max(finished_at) as finished_at from sync_runs where status = 'completed' and not dry_run group by flow) s) as successes`.execute(db);
  const row = rows[0]!;
  return {
    reviewQueue: row.review_queue,
    reviewOldestAgeSeconds: Math.max(0, row.review_oldest ?? 0),
    approvalsWaiting: row.approvals,
    approvalOldestAgeSeconds: Math.max(0, row.approval_oldest ?? 0),
    notificationsPending: row.notifications,
    pushBacklog: row.pushes ?? [],
    lastSuccess: (row.successes ?? []).map((s) => ({ flow: s.flow, finishedAt: new Date(s.finishedAt) })),
  };
}
