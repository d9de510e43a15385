import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Duplicates across sources. `customer_match_keys` holds each checked customer's keys (normalized
 * email, VAT number, phone in E.164, a name block), looked up by kind and value to find the
 * customers that share one. `duplicate_candidates` holds each pair that may be one customer,
 * once (the lower id first), with why, and what the data team decided: a pair kept apart is
 * never proposed again. Both go with their customers when a customer row is removed (erasure).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customer_match_keys')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('customer_match_keys_pkey', ['kind', 'value', 'customer_id'])
    .execute();
  await db.schema.createIndex('customer_match_keys_customer_idx').on('customer_match_keys').column('customer_id').execute();
  await db.schema
    .createTable('duplicate_candidates')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('other_customer_id', 'uuid', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('strength', 'text', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('name_similarity', 'real', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('found_run_id', 'text')
    .addColumn('found_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addUniqueConstraint('duplicate_candidates_pair_key', ['customer_id', 'other_customer_id'])
    .addCheckConstraint('duplicate_candidates_ordered', sql`customer_id < other_customer_id`)
    .addCheckConstraint('duplicate_candidates_status', sql`status in ('open', 'kept-apart', 'merged')`)
    .execute();
  await db.schema.createIndex('duplicate_candidates_other_idx').on('duplicate_candidates').column('other_customer_id').execute();
  await db.schema.createIndex('duplicate_candidates_status_idx').on('duplicate_candidates').columns(['status', 'id']).execute();
}
