import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * The customers a page of an input names unchanged, kept as one row of arrays per page instead of
 * a staging row each: an hourly snapshot that changes nothing writes a few hundred rows, not one per
 * customer. `staged_customers` reads them with the staged records as one set: every customer a run's
 * step names, with its customer when known. A partial index finds the few customers a run may
 * restore (missing or deleted) without reading the others.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('unchanged_pages')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('seq_from', 'bigint', (c) => c.notNull())
    .addColumn('seq_to', 'bigint', (c) => c.notNull())
    .addColumn('external_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('customer_ids', sql`uuid[]`, (c) => c.notNull())
    .addPrimaryKeyConstraint('unchanged_pages_pk', ['run_id', 'step_index', 'seq_from'])
    .execute();
  await sql`create view staged_customers as
    select run_id, step_index, seq, external_id, customer_id, false as unchanged from staging_records
    union all
    select p.run_id, p.step_index, p.seq_from as seq, u.external_id, u.customer_id, true as unchanged
    from unchanged_pages p, unnest(p.external_ids, p.customer_ids) as u(external_id, customer_id)`.execute(db);
  await sql`create index customers_absent_idx on customers (source_connector, source_id)
    where missing_since is not null or deleted_at is not null`.execute(db);
}
