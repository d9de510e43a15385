import type { Kysely } from 'kysely';
import type { CustomerDiff } from '../../merge/index.js';
import type { Database } from '../database.js';

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
