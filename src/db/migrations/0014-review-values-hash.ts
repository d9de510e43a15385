import { type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Held customers keep a hash of their values without provenance: a rejected customer stays
 * rejected while a later run brings the same data (its provenance names another run).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pending_customers').addColumn('values_hash', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pending_customers').dropColumn('values_hash').execute();
}
