import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.js';
import type { CustomerRow } from './customers.js';

/**
 * Serializes writes to one customer key (`connector/external id`, or a customer id) until the
 * transaction ends, even before the customer exists: two creations of one source id cannot both win.
 */
export async function lockCustomerKey(trx: Transaction<Database>, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/** A customer, its row locked until the transaction ends (deleted ones too). */
export async function customerForUpdate(trx: Transaction<Database>, id: string): Promise<CustomerRow | undefined> {
  return trx.selectFrom('customers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The customer a connector's external id belongs to, its row locked until the transaction ends: one round trip. */
export async function customerForUpdateByExternalId(trx: Transaction<Database>, connector: string, externalId: string): Promise<CustomerRow | undefined> {
  return trx
    .selectFrom('external_ids as e')
    .innerJoin('customers as c', 'c.id', 'e.customer_id')
    .selectAll('c')
    .where('e.connector', '=', connector)
    .where('e.external_id', '=', externalId)
    .forUpdate('c')
    .executeTakeFirst();
}

/** Customers by id, locked until the transaction ends (one statement for a page). */
export async function customersForUpdate(trx: Transaction<Database>, ids: readonly string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return trx.selectFrom('customers').selectAll().where('id', 'in', [...ids]).orderBy('id').forUpdate().execute();
}
