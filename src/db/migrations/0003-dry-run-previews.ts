import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/** Dry runs: marked on the run, and what each changed customer would become, instead of writing it. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('dry_run', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await db.schema
    .createTable('sync_run_previews')
    .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('customer_id', 'uuid', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull().check(sql`change in ('create', 'update')`))
    .addColumn('diff', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_run_previews_pk', ['run_id', 'customer_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sync_run_previews').execute();
  await db.schema.alterTable('sync_runs').dropColumn('dry_run').execute();
}
