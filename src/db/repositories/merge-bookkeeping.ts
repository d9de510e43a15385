import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.js';

/** Recomputes the parent-company flag of these customers. */
export async function recomputeParentCompanyFlags(trx: Transaction<Database>, ids: readonly string[]): Promise<void> {
  await sql`update customers p set is_parent_company = exists (select 1 from customers c where c.parent_customer_id = p.id and c.deleted_at is null)
    where p.id = any(${[...ids]}::uuid[])`.execute(trx);
}

/** Sets a customer's parent link as it was (undoing a merge). */
export async function setParent(trx: Transaction<Database>, id: string, parentId: string | null): Promise<void> {
  await trx.updateTable('customers').set({ parent_customer_id: parentId }).where('id', '=', id).execute();
}

/** A customer merged away is no longer compared: its keys and open candidate pairs go. */
export async function forgetDuplicateKeys(trx: Transaction<Database>, id: string): Promise<void> {
  await trx.deleteFrom('customer_match_keys').where('customer_id', '=', id).execute();
  await trx.deleteFrom('duplicate_candidates').where('status', '=', 'open').where((eb) => eb.or([eb('customer_id', '=', id), eb('other_customer_id', '=', id)])).execute();
}

/** Records the pair as decided (merged, or kept apart after an undone merge), whether or not it was proposed. */
export async function recordPairDecision(trx: Transaction<Database>, a: string, b: string, status: 'merged' | 'kept-apart', by: string): Promise<void> {
  const [low, high] = a < b ? [a, b] : [b, a];
  await sql`insert into duplicate_candidates (customer_id, other_customer_id, strength, reasons, name_similarity, status, decided_by, decided_at)
    values (${low}, ${high}, 'weak', '[]'::jsonb, 0, ${status}, ${by}, now())
    on conflict (customer_id, other_customer_id) do update set status = excluded.status, decided_by = excluded.decided_by, decided_at = excluded.decided_at, updated_at = now()`.execute(trx);
}
