import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/connect.js';

export const CUSTOMER_TABLES = [
  'customers',
  'external_ids',
  'addresses',
  'contact_persons',
  'customer_attributes',
  'address_attributes',
  'contact_person_attributes',
  'customer_contact_details',
  'address_contact_details',
  'contact_person_contact_details',
  'attachments',
  'customer_relations',
] as const;

export type TableRows = Record<string, Record<string, unknown>[]>;

/** Every row of every customer table, with the row version (xmin), sorted for comparison. */
export async function dumpCustomerTables(db: DatabaseHandle): Promise<TableRows> {
  const out: TableRows = {};
  for (const table of CUSTOMER_TABLES) {
    const rows = await sql<Record<string, unknown>>`select xmin::text as row_version, t.* from ${sql.table(table)} t`.execute(
      db.db,
    );
    out[table] = rows.rows.map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>).sort((a, b) =>
      JSON.stringify(a) < JSON.stringify(b) ? -1 : 1,
    );
  }
  return out;
}

/** Rows of the given tables that belong to customers other than `except`. */
export function rowsNotOf(state: TableRows, except: Set<string>): TableRows {
  const out: TableRows = {};
  for (const [table, rows] of Object.entries(state)) {
    out[table] = rows.filter((r) => !except.has(String(r.customer_id ?? r.id)));
  }
  return out;
}

export async function customerIdOf(db: DatabaseHandle, connector: string, externalId: string): Promise<string> {
  const row = await db.db
    .selectFrom('external_ids')
    .select('customer_id')
    .where('connector', '=', connector)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.customer_id;
}
