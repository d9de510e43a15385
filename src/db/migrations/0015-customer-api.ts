import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * The customer API: who made each logged change (`actor`), the answers of writes sent with an
 * `Idempotency-Key`, the records of bulk upserts waiting for their import run, and the indexes
 * the customer list pages and filters by.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('change_log').addColumn('actor', 'text').execute();
  await db.schema.createIndex('change_log_customer_id_idx').on('change_log').columns(['customer_id', 'id']).execute();

  await db.schema
    .createTable('idempotent_requests')
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('headers', 'jsonb')
    .addColumn('body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotent_requests_pk', ['token', 'key'])
    .execute();

  await db.schema
    .createTable('bulk_upload_records')
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('bulk_upload_records_pk', ['upload_id', 'position'])
    .execute();

  await db.schema.createIndex('customers_updated_at_idx').on('customers').columns(['updated_at', 'id']).execute();
  await db.schema.createIndex('customer_attributes_key_value_idx').on('customer_attributes').columns(['key', 'value']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('customer_attributes_key_value_idx').execute();
  await db.schema.dropIndex('customers_updated_at_idx').execute();
  await db.schema.dropTable('bulk_upload_records').execute();
  await db.schema.dropTable('idempotent_requests').execute();
  await db.schema.dropIndex('change_log_customer_id_idx').execute();
  await db.schema.alterTable('change_log').dropColumn('actor').execute();
}
