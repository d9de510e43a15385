import type { Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * What each customer's source supplied last, as a hash of its raw rows beside the hash of the
 * record they map to: a re-read finds an unchanged customer by its rows without mapping them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('source_digests')
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('source_hash', 'text', (c) => c.notNull())
    .addColumn('record_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('source_digests_pkey', ['connector', 'external_id'])
    .execute();
}
