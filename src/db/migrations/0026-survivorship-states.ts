import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * The survivorship rules each flow's stored customers were last chosen by (a hash): a run whose
 * flow's rules differ applies them to every stored customer first, from the values kept with
 * each (no source is read).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('survivorship_states')
    .addColumn('flow', 'text', (c) => c.primaryKey())
    .addColumn('rules_hash', 'text', (c) => c.notNull())
    .addColumn('applied_by', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
