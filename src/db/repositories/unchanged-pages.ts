import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../database.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The customers a page of an input names unchanged: staging positions `[seqFrom, seqTo]` and, in step, external ids and their customers. */
export interface UnchangedPage {
  seqFrom: number;
  seqTo: number;
  externalIds: string[];
  customerIds: string[];
}

/**
 * Keeps a page's unchanged customers as one row, in one statement (atomic without a transaction
 * of its own). Pages kept before for positions within the page's are replaced: a retried read
 * that pages an input otherwise than the attempt before leaves no customer counted twice.
 */
export async function recordUnchangedPage(db: Db, runId: string, stepIndex: number, page: UnchangedPage): Promise<void> {
  const { seqFrom, seqTo, externalIds, customerIds } = page;
  // The insert reads the delete's count, so the rows it replaces are gone before it runs.
  await sql`with replaced as (
      delete from unchanged_pages where run_id = ${runId} and step_index = ${stepIndex} and seq_from >= ${seqFrom} and seq_from <= ${seqTo}
      returning 1)
    insert into unchanged_pages (run_id, step_index, seq_from, seq_to, external_ids, customer_ids)
    select ${runId}, ${stepIndex}, ${seqFrom}, ${seqTo}, ${externalIds}::text[], ${customerIds}::uuid[]
    where ${externalIds.length > 0} and (select count(*) from replaced) >= 0`.execute(db);
}

/**
 * Rewrites the pages `pages` selects (a condition on `p`) without the entries `dropped` names (a
 * condition on an entry's `external_id` and `customer_id`), each page in one set-based pass;
 * returns how many entries went. `ctes` go before the statement's own (each ending in a comma).
 */
async function dropPageEntries(db: Db, pages: RawBuilder<unknown>, dropped: RawBuilder<unknown>, ctes: RawBuilder<unknown> = sql``): Promise<number> {
  const { rows } = await sql<{ removed: number }>`with ${ctes} touched as (
      select p.run_id, p.step_index, p.seq_from,
        coalesce(array_agg(u.external_id order by u.n) filter (where not u.dropped), '{}') as external_ids,
        coalesce(array_agg(u.customer_id order by u.n) filter (where not u.dropped), '{}') as customer_ids,
        count(*) filter (where u.dropped)::int as removed
      from unchanged_pages p
        cross join lateral (
          select external_id, customer_id, n, coalesce(${dropped}, false) as dropped
          from unnest(p.external_ids, p.customer_ids) with ordinality as x(external_id, customer_id, n)) u
      where (${pages})
      group by p.run_id, p.step_index, p.seq_from),
    updated as (
      update unchanged_pages p set external_ids = t.external_ids, customer_ids = t.customer_ids
      from touched t where p.run_id = t.run_id and p.step_index = t.step_index and p.seq_from = t.seq_from and t.removed > 0
      returning t.removed)
    select coalesce(sum(removed), 0)::int as removed from updated`.execute(db);
  return rows[0]!.removed;
}

/**
 * Takes customers out of the pages of a run's step kept before position `seqBefore`: those whose
 * external id `removed` (a query of one `external_id` column) yields.
 */
export async function removeFromUnchangedPages(
  db: Db,
  scope: { runId: string; stepIndex: number; seqBefore: number },
  removed: RawBuilder<{ external_id: string }>,
): Promise<void> {
  const { runId, stepIndex, seqBefore } = scope;
  await dropPageEntries(
    db,
    sql`p.run_id = ${runId} and p.step_index = ${stepIndex} and p.seq_from < ${seqBefore}`,
    sql`x.external_id in (select external_id from removed)`,
    sql`removed as (select distinct external_id from (${removed}) r),`,
  );
}

/** Takes a customer (by its id or any of its external ids) out of every run's pages; returns how many entries went. */
export async function eraseFromUnchangedPages(db: Db, customerId: string, externalIds: readonly string[]): Promise<number> {
  return dropPageEntries(
    db,
    sql`${customerId}::uuid = any(p.customer_ids) or p.external_ids && ${[...externalIds]}::text[]`,
    sql`(x.customer_id = ${customerId}::uuid or x.external_id = any(${[...externalIds]}::text[]))`,
  );
}

/** Takes an input's pages (positions `[seqFrom, seqTo)`) out. */
export async function removeUnchangedPagesOf(db: Db, scope: { runId: string; stepIndex: number; seqFrom: number; seqTo: number }): Promise<void> {
  const { runId, stepIndex, seqFrom, seqTo } = scope;
  await sql`delete from unchanged_pages where run_id = ${runId} and step_index = ${stepIndex} and seq_from >= ${seqFrom} and seq_from < ${seqTo}`.execute(db);
}

/** How many customers a run's step names unchanged. */
export async function unchangedCustomerCount(db: Db, runId: string, stepIndex: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`select coalesce(sum(cardinality(external_ids)), 0)::int as n from unchanged_pages
    where run_id = ${runId} and step_index = ${stepIndex}`.execute(db);
  return rows[0]!.n;
}
