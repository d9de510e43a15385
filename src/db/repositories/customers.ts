import type { Kysely, Selectable } from 'kysely';
import type { CustomersTable, Database } from '../database.js';

/** A stored customer, every column. */
export type CustomerRow = Selectable<CustomersTable>;

/** The customer an external id of a connector belongs to. */
export async function customerIdByExternalId(db: Kysely<Database>, connector: string, externalId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('external_ids')
    .select('customer_id')
    .where('connector', '=', connector)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.customer_id;
}

/** A customer by id (deleted ones too). */
export async function customerById(db: Kysely<Database>, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A customer's external ids, by connector. */
export async function externalIdsOfCustomer(db: Kysely<Database>, customerId: string): Promise<{ connector: string; external_id: string }[]> {
  return db.selectFrom('external_ids').select(['connector', 'external_id']).where('customer_id', '=', customerId).orderBy('connector').execute();
}

/** A customer's lifecycle: when it went missing, came back, was deleted, oldest first. */
export async function lifecycleOf(db: Kysely<Database>, customerId: string): Promise<{ run_id: string; change: string; created_at: Date }[]> {
  return db
    .selectFrom('change_log')
    .select(['run_id', 'change', 'created_at'])
    .where('customer_id', '=', customerId)
    .where('change', 'in', ['missing', 'restored', 'deleted'])
    .orderBy('id')
    .execute();
}

/** Ids of customers not deleted, in order, after `after` (from the first when undefined). */
export async function customerIdsAfter(db: Kysely<Database>, after: string | undefined, limit: number): Promise<string[]> {
  let query = db.selectFrom('customers').select('id').where('deleted_at', 'is', null);
  if (after) query = query.where('id', '>', after);
  return (await query.orderBy('id').limit(limit).execute()).map((r) => r.id);
}

/** How many merges a customer is followed through to the customer it is now (a survivor merged again, and so on). */
export const MAX_MERGE_HOPS = 100;

/** A customer by id, or, when it was merged into another, the customer it is now (following merges). */
export async function survivorOf(db: Kysely<Database>, id: string): Promise<CustomerRow | undefined> {
  let customer = await customerById(db, id);
  for (let hops = 0; customer?.merged_into && hops < MAX_MERGE_HOPS; hops++) customer = await customerById(db, customer.merged_into);
  return customer;
}

/** Which of these customers was created first (the lower id on a tie). */
export async function firstCreated(db: Kysely<Database>, ids: readonly string[]): Promise<string> {
  const row = await db.selectFrom('customers').select('id').where('id', 'in', [...ids]).orderBy('created_at').orderBy('id').executeTakeFirstOrThrow();
  return row.id;
}
