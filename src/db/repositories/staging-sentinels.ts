import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { StagingLostError } from '../staging-lost-error.js';

/** Marks the run's staging as there (idempotent): called when the run begins, before anything is staged. */
export async function markStagingKept(db: Kysely<Database>, runId: string): Promise<void> {
  await db.insertInto('staging_sentinels').values({ run_id: runId }).onConflict((oc) => oc.column('run_id').doNothing()).execute();
}

/**
 * Throws {@link StagingLostError} once PostgreSQL has restarted after a crash (or failed over),
 * which empties unlogged tables. A sentinel once emptied never comes back, so one found after the
 * run's staged records were read or written vouches for them: ask before committing what they decide.
 */
export async function assertStagingKept(db: Kysely<Database>, runId: string): Promise<void> {
  const kept = await db.selectFrom('staging_sentinels').select('run_id').where('run_id', '=', runId).executeTakeFirst();
  if (!kept) throw new StagingLostError(runId);
}

/** Forgets the run's sentinel with its staging. */
export async function forgetStagingSentinel(db: Kysely<Database>, runId: string): Promise<void> {
  await db.deleteFrom('staging_sentinels').where('run_id', '=', runId).execute();
}
