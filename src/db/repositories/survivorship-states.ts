import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/** The hash of the rules a flow's customers were last chosen by; undefined when never applied. */
export async function appliedRulesHash(db: Kysely<Database>, flow: string): Promise<string | undefined> {
  return (await db.selectFrom('survivorship_states').select('rules_hash').where('flow', '=', flow).executeTakeFirst())?.rules_hash;
}

/** Records that a flow's customers are chosen by the rules of this hash. */
export async function recordAppliedRules(db: Kysely<Database>, flow: string, rulesHash: string, by: string): Promise<void> {
  await db
    .insertInto('survivorship_states')
    .values({ flow, rules_hash: rulesHash, applied_by: by })
    .onConflict((oc) => oc.column('flow').doUpdateSet({ rules_hash: rulesHash, applied_by: by, applied_at: new Date() }))
    .execute();
}
