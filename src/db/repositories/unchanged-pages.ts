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
 * Takes customers out of the pages of a run's step kept before position `seqBefore`: those whose
 * external id `removed` (a query of one `external_id` column) yields. One set-based pass over the
 * pages' entries, however many pages and ids there are.
 */
export async function removeFromUnchangedPages(
  db: Db,
  scope: { runId: string; stepIndex: number; seqBefore: number },
  removed: RawBuilder<{ external_id: string }>,
): Promise<void> {
  const { runId, stepIndex, seqBefore } = scope;
  await sql`with removed as (select distinct external_id from (${removed}) r),
    kept as (
      select p.seq_from,
        array_agg(u.external_id order by u.n) filter (where r.external_id is null) as external_ids,
        array_agg(u.customer_id order by u.n) filter (where r.external_id is null) as customer_ids,
        bool_or(r.external_id is not null) as touched
      from unchanged_pages p
        cross join unnest(p.external_ids, p.customer_ids) with ordinality as u(external_id, customer_id, n)
        left join removed r on r.external_id = u.external_id
      where p.run_id = ${runId} and p.step_index = ${stepIndex} and p.seq_from < ${seqBefore}
      group by p.seq_from)
    update unchanged_pages p set external_ids = coalesce(k.external_ids, '{}'), customer_ids = coalesce(k.customer_ids, '{}')
    from kept k
    where p.run_id = ${runId} and p.step_index = ${stepIndex} and p.seq_from = k.seq_from and k.touched`.execute(db);
}

/** Takes a customer (by its id or any of its external ids) out of every run's pages; returns how many entries went. */
export async function eraseFromUnchangedPages(db: Db, customerId: string, externalIds: readonly string[]): Promise<number> {
  const { rows } = await sql<{ removed: number }>`with touched as (
      select p.run_id, p.step_index, p.seq_from,
        coalesce(array_agg(u.external_id order by u.n) filter (where not u.erased), '{}') as external_ids,
        coalesce(array_agg(u.customer_id order by u.n) filter (where not u.erased), '{}') as customer_ids,
        count(*) filter (where u.erased)::int as removed
      from unchanged_pages p
        cross join lateral (
          select e as external_id, c as customer_id, n, (c = ${customerId}::uuid or e = any(${[...externalIds]}::text[])) as erased
          from unnest(p.external_ids, p.customer_ids) with ordinality as x(e, c, n)) u
      where ${customerId}::uuid = any(p.customer_ids) or p.external_ids && ${[...externalIds]}::text[]
      group by p.run_id, p.step_index, p.seq_from),
    updated as (
      update unchanged_pages p set external_ids = t.external_ids, customer_ids = t.customer_ids
      from touched t where p.run_id = t.run_id and p.step_index = t.step_index and p.seq_from = t.seq_from
      returning t.removed)
    select coalesce(sum(removed), 0)::int as removed from updated`.execute(db);
  return rows[0]!.removed;
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
