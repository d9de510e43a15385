import type { Kysely } from 'kysely';
import type { CustomerDiff } from '../../merge/index.js';
import type { ChangeKind, Database } from '../database.js';

/** A creation or update a run logged, with the connector that created the customer. */
export interface LoggedCustomerChange {
  id: string;
  customerId: string;
  change: 'created' | 'updated';
  diff: CustomerDiff[];
  sourceConnector: string;
}

/** The next `limit` creations and updates a run logged after change-log entry `afterId` ('0' first), in order. */
export async function runChangesAfter(db: Kysely<Database>, runId: string, afterId: string, limit: number): Promise<LoggedCustomerChange[]> {
  const rows = await db
    .selectFrom('change_log as l')
    .innerJoin('customers as c', 'c.id', 'l.customer_id')
    .select(['l.id', 'l.customer_id', 'l.change', 'l.diff', 'c.source_connector'])
    .where('l.run_id', '=', runId)
    .where('l.change', 'in', ['created', 'updated'])
    .where('l.id', '>', afterId)
    .orderBy('l.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    customerId: r.customer_id,
    change: r.change as 'created' | 'updated',
    diff: r.diff,
    sourceConnector: r.source_connector,
  }));
}

/** The customers a run created or updated, a page of change-log entries after `afterId` ('0' first) at a time, in order. */
export async function runChangedCustomersAfter(db: Kysely<Database>, runId: string, afterId: string, limit: number): Promise<{ id: string; customerId: string }[]> {
  return db
    .selectFrom('change_log')
    .select(['id', 'customer_id as customerId'])
    .where('run_id', '=', runId)
    .where('change', 'in', ['created', 'updated'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** One entry of a customer's change log. */
export interface CustomerActivity {
  id: string;
  runId: string;
  change: ChangeKind;
  diff: CustomerDiff[];
  actor: string | null;
  createdAt: Date;
}

/** A customer's change log, newest first: the next `limit` entries before entry `beforeId` (all when absent). */
export async function customerActivities(db: Kysely<Database>, customerId: string, beforeId: string | undefined, limit: number): Promise<CustomerActivity[]> {
  let query = db
    .selectFrom('change_log')
    .select(['id', 'run_id', 'change', 'diff', 'actor', 'created_at'])
    .where('customer_id', '=', customerId);
  if (beforeId !== undefined) query = query.where('id', '<', beforeId);
  const rows = await query.orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: String(r.id), runId: r.run_id, change: r.change, diff: r.diff, actor: r.actor, createdAt: r.created_at }));
}
