import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Outbound pushes, one row per target and customer: queued when the customer changes
 * (repeated changes before the push coalesce into the row), then pushed, retried with
 * backoff, or failed with the last error.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customer_pushes')
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('queued_run_id', 'text', (c) => c.notNull())
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('last_action', 'text')
    .addColumn('pushed_at', 'timestamptz')
    .addColumn('pushes', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('customer_pushes_pk', ['target', 'customer_id'])
    .execute();
  await sql`create index customer_pushes_due on customer_pushes (target, next_attempt_at) where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('customer_pushes').execute();
}
