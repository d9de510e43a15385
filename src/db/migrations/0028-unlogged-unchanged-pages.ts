import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * A run's pages of unchanged customers live only as long as the run, as its staged records do:
 * they are written to no WAL either, so a page's commit does not wait for the WAL to reach the
 * disk (an unchanged snapshot commits one such page per thousand customers). PostgreSQL empties
 * them with the staged records and the run's sentinel after a crash, and the run fails instead of
 * finding missing customers from nothing, as 0027 set out.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table unchanged_pages set unlogged`.execute(db);
}
