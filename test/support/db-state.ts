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

/**
 * What a refused request must leave exactly as it was: every customer's content hash and
 * deletion, and the row count of each of `tables`.
 */
export async function writeFingerprint(db: DatabaseHandle, tables: readonly string[]): Promise<string> {
  const customers = await sql<{ state: string }>`select coalesce(string_agg(content_hash || coalesce(deleted_at::text, ''), ',' order by id), '') as state from customers`.execute(db.db);
  const counts: string[] = [];
  for (const table of tables) counts.push(`${table}=${(await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db.db)).rows[0]!.n}`);
  return `${customers.rows[0]!.state}|${counts.join('|')}`;
}
