import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/** What a connector noticed about an input as a whole (unknown header columns, say), for the run report. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sync_run_inputs')
    .addColumn('warnings', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_run_inputs').dropColumn('warnings').execute();
}
