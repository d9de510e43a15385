import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Review of new customers: customers a flow would create, held until the data team
 * approves (or rejects) them; how many each chunk held; and `hold` as a dry-run preview.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pending_customers')
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('source_connector', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected')`))
    .addColumn('merged', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('input_hash', 'text', (c) => c.notNull())
    .addColumn('held_run_id', 'text', (c) => c.notNull().references('sync_runs.id'))
    .addColumn('first_held_run_id', 'text', (c) => c.notNull())
    .addColumn('held_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('customer_id', 'uuid')
    .addPrimaryKeyConstraint('pending_customers_pk', ['flow', 'source_id'])
    .execute();
  await db.schema.createIndex('pending_customers_status').on('pending_customers').columns(['flow', 'status']).execute();
  await db.schema.alterTable('sync_run_chunks').addColumn('held', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sync_run_previews').dropConstraint('sync_run_previews_change_check').execute();
  await db.schema
    .alterTable('sync_run_previews')
    .addCheckConstraint('sync_run_previews_change_check', sql`change in ('create', 'update', 'hold')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('sync_run_previews').where('change', '=', 'hold').execute();
  await db.schema.alterTable('sync_run_previews').dropConstraint('sync_run_previews_change_check').execute();
  await db.schema
    .alterTable('sync_run_previews')
    .addCheckConstraint('sync_run_previews_change_check', sql`change in ('create', 'update')`)
    .execute();
  await db.schema.alterTable('sync_run_chunks').dropColumn('held').execute();
  await db.schema.dropTable('pending_customers').execute();
}
