import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Unattended operation: the inputs each run read (with their kind and outcome), the
 * customers a run found missing from a full snapshot, the run's deletion outcome, one
 * running run per flow, and change-log entries of several kinds per run and customer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sync_run_inputs')
    .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('full', 'delta')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('applied', 'superseded')`))
    .addColumn('read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('sync_run_inputs_pk', ['run_id', 'step_index', 'position'])
    .execute();

  await db.schema
    .createTable('sync_run_missing')
    .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('customer_id', 'uuid', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_run_missing_pk', ['run_id', 'customer_id'])
    .execute();

  await db.schema
    .alterTable('sync_runs')
    .addColumn('marked_missing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('restored', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deletion_status', 'text')
    .addColumn('missing_candidates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source_customers', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema.alterTable('customers').addColumn('missing_run_id', 'text').execute();
  await db.schema.createIndex('customers_missing_run_idx').on('customers').column('missing_run_id').execute();

  await db.schema
    .createTable('flow_leases')
    .addColumn('flow', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('acquired_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.alterTable('change_log').dropConstraint('change_log_run_customer_unique').execute();
  await db.schema
    .alterTable('change_log')
    .addUniqueConstraint('change_log_run_customer_change_unique', ['run_id', 'customer_id', 'change'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('change_log').dropConstraint('change_log_run_customer_change_unique').execute();
  await db.schema
    .alterTable('change_log')
    .addUniqueConstraint('change_log_run_customer_unique', ['run_id', 'customer_id'])
    .execute();
  await db.schema.dropTable('flow_leases').execute();
  await db.schema.dropIndex('customers_missing_run_idx').execute();
  await db.schema.alterTable('customers').dropColumn('missing_run_id').execute();
  for (const column of ['marked_missing', 'restored', 'deletion_status', 'missing_candidates', 'source_customers']) {
    await db.schema.alterTable('sync_runs').dropColumn(column).execute();
  }
  await db.schema.dropTable('sync_run_missing').execute();
  await db.schema.dropTable('sync_run_inputs').execute();
}
