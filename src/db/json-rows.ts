import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';

/** Column name → PostgreSQL type, in insert order. */
export type ColumnSpec = Record<string, string>;

/**
 * Inserts many rows in one statement by passing them as a single jsonb array
 * (`jsonb_to_recordset`): one round trip per batch, never one per row.
 */
export async function insertJsonRows(
  db: Kysely<Database> | Transaction<Database>,
  table: string,
  columns: ColumnSpec,
  rows: readonly Record<string, unknown>[],
  onConflict: 'error' | 'nothing' = 'error',
): Promise<number> {
  if (rows.length === 0) return 0;
  const names = Object.keys(columns);
  const list = sql.join(names.map((n) => sql.id(n)));
  const definition = sql.join(names.map((n) => sql`${sql.id(n)} ${sql.raw(columns[n]!)}`));
  const conflict = onConflict === 'nothing' ? sql` on conflict do nothing` : sql``;
  const result = await sql`insert into ${sql.table(table)} (${list})
    select ${list} from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${definition})${conflict}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
