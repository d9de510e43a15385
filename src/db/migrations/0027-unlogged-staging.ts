import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * A run's staged records live only as long as the run: they are written to no WAL (a third of an
 * import's WAL). PostgreSQL empties unlogged tables when it restarts after a crash (and a promoted
 * standby has them empty), so each running run keeps a sentinel row in an unlogged table of its
 * own: emptied with the staging, its absence tells a run that its staged records are gone, and
 * the run fails instead of merging, or finding missing, from nothing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staging_sentinels')
    .modifyFront(sql`unlogged`)
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .execute();
  await sql`insert into staging_sentinels (run_id) select id from sync_runs where status = 'running'`.execute(db);
  await sql`alter table staging_records set unlogged`.execute(db);
}
