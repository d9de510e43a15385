import { sql, type Kysely, type Transaction } from 'kysely';
import type { CustomerMergesTable, Database, SurvivorBefore } from '../database.js';
import { CHILD_TABLES } from '../customer-tables.js';
import type { Selectable } from 'kysely';

/** A merge as stored. */
export type CustomerMergeRow = Selectable<CustomerMergesTable>;

/** Records a merge; its id. */
export async function insertMerge(
  trx: Transaction<Database>,
  merge: { survivorId: string; mergedId: string; candidateId: string | null; externalIds: { connector: string; external_id: string }[]; childIds: string[]; survivorBefore: SurvivorBefore; mergedHash: string; by: string },
): Promise<string> {
  const row = await trx
    .insertInto('customer_merges')
    .values({
      survivor_id: merge.survivorId,
      merged_id: merge.mergedId,
      candidate_id: merge.candidateId,
      external_ids: JSON.stringify(merge.externalIds),
      child_ids: JSON.stringify(merge.childIds),
      survivor_before: JSON.stringify(merge.survivorBefore),
      merged_hash: merge.mergedHash,
      merged_by: merge.by,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}

/** The merge that is in effect for a merged customer (not undone), locked. */
export async function activeMergeOf(trx: Transaction<Database>, mergedId: string): Promise<CustomerMergeRow | undefined> {
  return trx.selectFrom('customer_merges').selectAll().where('merged_id', '=', mergedId).where('undone_at', 'is', null).forUpdate().executeTakeFirst();
}

/** A merge by id, locked. */
export async function mergeForUpdate(trx: Transaction<Database>, id: string): Promise<CustomerMergeRow | undefined> {
  return trx.selectFrom('customer_merges').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Marks a merge undone. */
export async function markMergeUndone(trx: Transaction<Database>, id: string, by: string): Promise<void> {
  await trx.updateTable('customer_merges').set({ undone_by: by, undone_at: new Date() }).where('id', '=', id).execute();
}

/** Moves every external id of `from` to `to`; the ids moved. */
export async function moveAllExternalIds(trx: Transaction<Database>, from: string, to: string): Promise<{ connector: string; external_id: string }[]> {
  return trx.updateTable('external_ids').set({ customer_id: to }).where('customer_id', '=', from).returning(['connector', 'external_id']).execute();
}

/** Moves these external ids back to `to`, where they still belong to `from`. */
export async function moveExternalIdsBack(trx: Transaction<Database>, ids: readonly { connector: string; external_id: string }[], from: string, to: string): Promise<void> {
  if (ids.length === 0) return;
  await sql`update external_ids e set customer_id = ${to}
    from unnest(${ids.map((i) => i.connector)}::text[], ${ids.map((i) => i.external_id)}::text[]) as m(connector, external_id)
    where e.connector = m.connector and e.external_id = m.external_id and e.customer_id = ${from}`.execute(trx);
}

/** Customers whose parent is `from` get `to` as their parent; their ids. */
export async function moveChildren(trx: Transaction<Database>, from: string, to: string, only?: readonly string[]): Promise<string[]> {
  let query = trx.updateTable('customers').set({ parent_customer_id: to }).where('parent_customer_id', '=', from);
  if (only) query = query.where('id', '=', sql<string>`any(${[...only]}::uuid[])`);
  return (await query.returning('id').execute()).map((r) => r.id);
}

/** Sets (or clears) the customer a customer was merged into. */
export async function setMergedInto(trx: Transaction<Database>, id: string, survivorId: string | null): Promise<void> {
  await trx.updateTable('customers').set({ merged_into: survivorId }).where('id', '=', id).execute();
}

/** Removes a customer's rows from every child table (its merged state keeps them). */
export async function deleteChildRows(trx: Transaction<Database>, customerId: string): Promise<void> {
  for (const table of Object.keys(CHILD_TABLES)) await sql`delete from ${sql.table(table)} where customer_id = ${customerId}`.execute(trx);
}

/** A run still running (other than `except`) that staged either customer: merging them now would race its merge. */
export async function runningRunWith(trx: Transaction<Database>, ids: readonly string[], except?: string): Promise<string | undefined> {
  const row = await sql<{ id: string }>`select r.id from sync_runs r
    where r.status = 'running' and r.id is distinct from ${except ?? null} and exists (select 1 from staged_customers s where s.run_id = r.id and s.customer_id = any(${[...ids]}::uuid[]))
    limit 1`.execute(trx);
  return row.rows[0]?.id;
}

/** The id of the merge in effect that a candidate pair was merged by. */
export async function activeMergeOfCandidate(db: Kysely<Database>, candidateId: string): Promise<string | undefined> {
  const row = await db.selectFrom('customer_merges').select('id').where('candidate_id', '=', candidateId).where('undone_at', 'is', null).executeTakeFirst();
  return row && String(row.id);
}
