import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Erasures: a customer's personal data removed everywhere custsync keeps it, each leaving an
 * audit entry without any: who erased it, when, and the SHA-256 of its source id.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customer_erasures')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('customer_id', 'uuid', (c) => c.notNull())
    .addColumn('source_connector', 'text', (c) => c.notNull())
    .addColumn('source_id_sha256', 'text', (c) => c.notNull())
    .addColumn('erased_by', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
