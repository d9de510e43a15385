import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.js';
import { recomputeParentFlags } from './parent-links.js';

/** Who changed a customer outside a run, and under which write id (the change's `run_id`). */
export interface ChangeAuthor {
  writeId: string;
  /** e.g. `token:crm`. */
  actor: string;
}

async function logChange(trx: Transaction<Database>, customerId: string, change: 'deleted' | 'restored' | 'purged', by: ChangeAuthor, reason?: string): Promise<void> {
  await trx
    .insertInto('change_log')
    .values({ run_id: by.writeId, customer_id: customerId, change, diff: JSON.stringify(reason ? [{ aspect: 'lifecycle', reason }] : []), actor: by.actor })
    .execute();
}

/** Marks a customer deleted (kept, recoverable); logs `deleted`. */
export async function softDeleteCustomer(trx: Transaction<Database>, customerId: string, reason: string, by: ChangeAuthor): Promise<void> {
  await trx
    .updateTable('customers')
    .set({ deleted_at: sql<Date>`now()`, deleted_reason: reason, deleted_run_id: by.writeId, updated_at: sql<Date>`now()` })
    .where('id', '=', customerId)
    .execute();
  await recomputeParentFlags(trx, [customerId]);
  await logChange(trx, customerId, 'deleted', by, reason);
}

/** Brings a missing or deleted customer back; logs `restored`. */
export async function restoreCustomer(trx: Transaction<Database>, customerId: string, by: ChangeAuthor): Promise<void> {
  await trx
    .updateTable('customers')
    .set({ deleted_at: null, deleted_reason: null, deleted_run_id: null, missing_since: null, missing_run_id: null, updated_at: sql<Date>`now()` })
    .where('id', '=', customerId)
    .execute();
  await recomputeParentFlags(trx, [customerId]);
  await logChange(trx, customerId, 'restored', by);
}

/** Removes a customer and everything of it for good; the change log keeps `purged`. */
export async function purgeCustomer(trx: Transaction<Database>, customerId: string, by: ChangeAuthor): Promise<void> {
  await trx.deleteFrom('external_ids').where('customer_id', '=', customerId).execute();
  await trx.updateTable('customers').set({ deleted_at: sql<Date>`coalesce(deleted_at, now())` }).where('id', '=', customerId).execute();
  await recomputeParentFlags(trx, [customerId]);
  await trx.deleteFrom('customers').where('id', '=', customerId).execute();
  await logChange(trx, customerId, 'purged', by);
}
