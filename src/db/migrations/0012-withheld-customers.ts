import { type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Customers an input left as they were because some of their rows were rejected: one row per
 * run, step, input and external id, with the rejected lines and whether the customer was new.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('withheld_customers')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('is_new', 'boolean', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('withheld_customers_pk', ['run_id', 'step_index', 'source', 'external_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('withheld_customers').execute();
}
