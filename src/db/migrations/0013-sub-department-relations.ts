import { type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/** Relations listed on the parent: the external ids of the companies a company names as its sub-departments. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customer_relations').addColumn('sub_department_external_ids', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customer_relations').dropColumn('sub_department_external_ids').execute();
}
