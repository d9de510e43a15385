import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/**
 * Takes the flow for a run unless another run holds it. A holder that `isActive` says
 * is no longer running (terminated, say) loses the lease. Returns the run holding the
 * flow afterwards: `runId` itself when taken.
 */
export async function acquireFlowLease(
  db: Kysely<Database>,
  flow: string,
  runId: string,
  isActive: (holder: string) => Promise<boolean>,
): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const taken = await db
      .insertInto('flow_leases')
      .values({ flow, run_id: runId })
      .onConflict((oc) => oc.column('flow').doUpdateSet({ run_id: runId }).where('flow_leases.run_id', '=', runId))
      .returning('run_id')
      .executeTakeFirst();
    if (taken) return runId;
    const holder = await db.selectFrom('flow_leases').select('run_id').where('flow', '=', flow).executeTakeFirst();
    if (!holder) continue;
    if (await isActive(holder.run_id)) return holder.run_id;
    await db.deleteFrom('flow_leases').where('flow', '=', flow).where('run_id', '=', holder.run_id).execute();
  }
  throw new Error(`could not take the lease of flow ${flow}; retrying`);
}

/** Gives back what the run holds (its flow, or an order run's customer). */
export async function releaseFlowLease(db: Kysely<Database>, runId: string): Promise<void> {
  await db.deleteFrom('flow_leases').where('run_id', '=', runId).execute();
}
