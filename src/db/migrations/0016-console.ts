import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * The console: who decided each review and deletion approval and when, the data a held
 * customer had before a later file updated it, when a run's deletion status last changed
 * (the time left before `approvalTimeout`), and the indexes customer search uses — a
 * trigram index on names, and exact-match indexes on external ids, emails and VAT numbers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('pending_customers')
    .addColumn('decided_by', 'text')
    .addColumn('previous_merged', 'jsonb')
    .addColumn('previous_held_run_id', 'text')
    .execute();
  await db.schema
    .alterTable('sync_runs')
    .addColumn('deletion_status_at', 'timestamptz')
    .addColumn('deletion_decided_by', 'text')
    .addColumn('deletion_decided_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sync_runs_started_at_idx').on('sync_runs').column('started_at').execute();
  await db.schema.createIndex('sync_runs_status_idx').on('sync_runs').columns(['status', 'started_at']).execute();

  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index customers_name_trgm_idx on customers using gin (
    lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(display_name, '') || ' ' || coalesce(company_name, '')) gin_trgm_ops)`.execute(db);
  await db.schema.createIndex('external_ids_external_id_idx').on('external_ids').column('external_id').execute();
  await sql`create index customer_contact_details_email_idx on customer_contact_details (lower(value)) where kind = 'email'`.execute(db);
  await sql`create index contact_persons_email_idx on contact_persons (lower(email))`.execute(db);
  await sql`create index customer_attributes_vat_idx on customer_attributes ((value #>> '{}')) where key = 'vatNumber'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['customer_attributes_vat_idx', 'contact_persons_email_idx', 'customer_contact_details_email_idx', 'external_ids_external_id_idx', 'customers_name_trgm_idx', 'sync_runs_status_idx', 'sync_runs_started_at_idx']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema.alterTable('sync_runs').dropColumn('deletion_status_at').dropColumn('deletion_decided_by').dropColumn('deletion_decided_at').execute();
  await db.schema.alterTable('pending_customers').dropColumn('decided_by').dropColumn('previous_merged').dropColumn('previous_held_run_id').execute();
}
