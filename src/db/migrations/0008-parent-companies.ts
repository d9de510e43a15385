import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Whether a company is a parent company (other customers have it as their parent),
 * kept up to date whenever a parent link changes; filled in for existing customers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('customers')
    .addColumn('is_parent_company', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`update customers p set is_parent_company = true
    where exists (select 1 from customers c where c.parent_customer_id = p.id and c.deleted_at is null)`.execute(db);
  await sql`create index customers_parent_customer_id on customers (parent_customer_id) where parent_customer_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index customers_parent_customer_id`.execute(db);
  await db.schema.alterTable('customers').dropColumn('is_parent_company').execute();
}
