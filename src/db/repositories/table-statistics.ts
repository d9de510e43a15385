import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';

/** The share of a table's rows changed since it was last analyzed above which its statistics are stale. */
const STALE_SHARE = 0.1;
/** Changed rows below which statistics are never stale (PostgreSQL's own autovacuum threshold). */
const STALE_MIN_ROWS = 50;

/**
 * Analyzes a table now when its statistics are missing or stale: the first import fills
 * `customers` within a minute, before autovacuum samples it, and a plan made on no statistics
 * takes the whole table for a handful of rows (the deletion check of a 10,000-customer re-sync
 * ran a 23 s nested loop instead of a 10 ms hash join). Returns whether it analyzed.
 */
export async function analyzeIfStale(db: Kysely<Database>, table: 'customers'): Promise<boolean> {
  const { rows } = await sql<{ changed: string; rows: string; analyzed: boolean }>`
    select n_mod_since_analyze as changed, n_live_tup as rows,
      (last_analyze is not null or last_autoanalyze is not null) as analyzed
    from pg_stat_user_tables where relid = ${table}::regclass`.execute(db);
  const stats = rows[0];
  if (stats && stats.analyzed && Number(stats.changed) <= STALE_MIN_ROWS + STALE_SHARE * Number(stats.rows)) return false;
  await sql`analyze ${sql.table(table)}`.execute(db);
  return true;
}
