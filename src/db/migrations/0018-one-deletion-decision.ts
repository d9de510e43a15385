import type { Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * One decision per run waiting for a deletion approval: the decision is claimed in the
 * run's row (the first wins, whoever sends it) before its signal goes to the workflow, so a
 * later decision is refused instead of being recorded over the first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('deletion_decision', 'text').execute();
}
