import { type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Incremental listings: where each flow's connector listing stands (stored when a run
 * completes), and the cursor each run's input starts from and leads to.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('connector_cursors')
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('connector_cursors_pk', ['flow', 'connector'])
    .execute();
  await db.schema.alterTable('sync_run_inputs').addColumn('since', 'text').execute();
  await db.schema.alterTable('sync_run_inputs').addColumn('next_cursor', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_run_inputs').dropColumn('next_cursor').execute();
  await db.schema.alterTable('sync_run_inputs').dropColumn('since').execute();
  await db.schema.dropTable('connector_cursors').execute();
}
