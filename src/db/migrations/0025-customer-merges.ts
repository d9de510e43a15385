import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Merging duplicates. A customer merged into another keeps its row (its source id stays taken,
 * so its source never creates it again) with `merged_into` naming the survivor, which now holds
 * its external ids and items. `customer_merges` keeps each merge as an edge with who and when,
 * and what undoing it needs: the external ids and child companies it moved, and the survivor
 * as it was before. Erasing a survivor erases what was merged into it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('customers')
    .addColumn('merged_into', 'uuid', (c) => c.references('customers.id').onDelete('cascade'))
    .execute();
  await sql`create index customers_merged_into_idx on customers (merged_into) where merged_into is not null`.execute(db);
  await db.schema
    .createTable('customer_merges')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('survivor_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('merged_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('candidate_id', 'bigint', (c) => c.references('duplicate_candidates.id').onDelete('set null'))
    .addColumn('external_ids', 'jsonb', (c) => c.notNull())
    .addColumn('child_ids', 'jsonb', (c) => c.notNull())
    .addColumn('survivor_before', 'jsonb', (c) => c.notNull())
    .addColumn('merged_hash', 'text', (c) => c.notNull())
    .addColumn('merged_by', 'text', (c) => c.notNull())
    .addColumn('merged_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('undone_by', 'text')
    .addColumn('undone_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('customer_merges_survivor_idx').on('customer_merges').column('survivor_id').execute();
  await db.schema.createIndex('customer_merges_merged_idx').on('customer_merges').column('merged_id').execute();
}
