import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

const provenance = (t: CreateTableBuilder<string, string>) =>
  t
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull());

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('PERSON', 'COMPANY')`))
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('display_name', 'text')
    .addColumn('company_name', 'text')
    .addColumn('source_connector', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('parent_customer_id', 'uuid', (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('relation_type', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('input_hash', 'text')
    .addColumn('merged', 'jsonb', (c) => c.notNull())
    .addColumn('created_run_id', 'text', (c) => c.notNull())
    .addColumn('updated_run_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('missing_since', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('deleted_reason', 'text')
    .addColumn('deleted_run_id', 'text')
    .addUniqueConstraint('customers_source_unique', ['source_connector', 'source_id'])
    .execute();
  await db.schema.createIndex('customers_source_id_idx').on('customers').column('source_id').execute();

  await db.schema
    .createTable('external_ids')
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('external_ids_pk', ['connector', 'external_id'])
    .execute();
  await db.schema.createIndex('external_ids_customer_idx').on('external_ids').column('customer_id').execute();

  const child = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
      .addColumn('item_key', 'text', (c) => c.notNull());

  await provenance(
    child('addresses')
      .addColumn('address_type', 'text', (c) => c.notNull().check(sql`address_type in ('billing', 'shipping', 'other')`))
      .addColumn('code', 'text')
      .addColumn('name', 'text')
      .addColumn('line1', 'text')
      .addColumn('line2', 'text')
      .addColumn('city', 'text')
      .addColumn('state', 'text')
      .addColumn('zip', 'text')
      .addColumn('country', 'text'),
  )
    .addPrimaryKeyConstraint('addresses_pk', ['customer_id', 'item_key'])
    .execute();

  await provenance(
    child('contact_persons')
      .addColumn('contact_ref', 'text')
      .addColumn('first_name', 'text')
      .addColumn('last_name', 'text')
      .addColumn('full_name', 'text')
      .addColumn('email', 'text')
      .addColumn('phone', 'text'),
  )
    .addPrimaryKeyConstraint('contact_persons_pk', ['customer_id', 'item_key'])
    .execute();

  for (const [table, owner] of [
    ['customer_attributes', null],
    ['address_attributes', 'address_key'],
    ['contact_person_attributes', 'contact_key'],
  ] as const) {
    let t = child(table);
    if (owner) t = t.addColumn(owner, 'text', (c) => c.notNull());
    await provenance(t.addColumn('key', 'text', (c) => c.notNull()).addColumn('value', 'jsonb', (c) => c.notNull()))
      .addPrimaryKeyConstraint(`${table}_pk`, ['customer_id', 'item_key'])
      .execute();
  }

  for (const [table, owner] of [
    ['customer_contact_details', null],
    ['address_contact_details', 'address_key'],
    ['contact_person_contact_details', 'contact_key'],
  ] as const) {
    let t = child(table);
    if (owner) t = t.addColumn(owner, 'text', (c) => c.notNull());
    await provenance(t.addColumn('kind', 'text', (c) => c.notNull()).addColumn('value', 'text', (c) => c.notNull()))
      .addPrimaryKeyConstraint(`${table}_pk`, ['customer_id', 'item_key'])
      .execute();
  }

  await provenance(
    child('attachments')
      .addColumn('name', 'text')
      .addColumn('content_type', 'text')
      .addColumn('url', 'text')
      .addColumn('checksum', 'text'),
  )
    .addPrimaryKeyConstraint('attachments_pk', ['customer_id', 'item_key'])
    .execute();

  await provenance(
    db.schema
      .createTable('customer_relations')
      .addColumn('customer_id', 'uuid', (c) => c.primaryKey().references('customers.id').onDelete('cascade'))
      .addColumn('parent_external_id', 'text')
      .addColumn('relation_type', 'text'),
  ).execute();

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('sync_runs_flow_idx').on('sync_runs').columns(['flow', 'started_at']).execute();

  await db.schema
    .createTable('sync_run_steps')
    .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('inputs', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('staged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('matched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unmatched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('sync_run_steps_pk', ['run_id', 'step_index'])
    .execute();

  await db.schema
    .createTable('sync_run_chunks')
    .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('chunk_start', 'text', (c) => c.notNull())
    .addColumn('chunk_end', 'text', (c) => c.notNull())
    .addColumn('customers', 'integer', (c) => c.notNull())
    .addColumn('created', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('unchanged', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sync_run_chunks_pk', ['run_id', 'chunk_start'])
    .execute();

  await db.schema
    .createTable('sync_run_plans')
    .addColumn('run_id', 'text', (c) => c.primaryKey().references('sync_runs.id').onDelete('cascade'))
    .addColumn('chunk_starts', 'jsonb', (c) => c.notNull())
    .addColumn('to_merge', 'integer', (c) => c.notNull())
    .addColumn('unchanged', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sync_run_merge_set')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'uuid', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_run_merge_set_pk', ['run_id', 'customer_id'])
    .execute();

  await db.schema
    .createTable('staging_records')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addColumn('record_hash', 'text', (c) => c.notNull())
    .addColumn('match_key', 'text')
    .addColumn('customer_id', 'uuid')
    .addPrimaryKeyConstraint('staging_records_pk', ['run_id', 'step_index', 'external_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('staging_records_customer_idx')
    .on('staging_records')
    .columns(['run_id', 'customer_id'])
    .execute();

  await db.schema
    .createTable('rejected_records')
    .addColumn('run_id', 'text', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('field', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw', 'text')
    .addPrimaryKeyConstraint('rejected_records_pk', ['run_id', 'step_index', 'source', 'line'])
    .execute();

  await db.schema
    .createTable('change_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'uuid', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('diff', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('change_log_run_customer_unique', ['run_id', 'customer_id'])
    .execute();
  await db.schema.createIndex('change_log_customer_idx').on('change_log').column('customer_id').execute();

  await db.schema
    .createTable('connector_inputs')
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('connector_inputs_pk', ['connector', 'name', 'checksum'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'connector_inputs',
    'change_log',
    'rejected_records',
    'staging_records',
    'sync_run_merge_set',
    'sync_run_plans',
    'sync_run_chunks',
    'sync_run_steps',
    'sync_runs',
    'customer_relations',
    'attachments',
    'contact_person_contact_details',
    'address_contact_details',
    'customer_contact_details',
    'contact_person_attributes',
    'address_attributes',
    'customer_attributes',
    'contact_persons',
    'addresses',
    'external_ids',
    'customers',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
