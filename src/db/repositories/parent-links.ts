import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.js';

/** A parent link that changed: the child, and its parent before and after. */
export interface ParentChange {
  child: string;
  before: string | null;
  after: string | null;
}

/**
 * Whether writing these customers may change a parent link. Parent links follow relations, and
 * every committed write leaves them so: with no relation stored at all (customers without
 * companies, say), only a link of a written customer or of its child can be stale.
 */
async function mayChangeParentLinks(trx: Transaction<Database>, writtenIds: readonly string[]): Promise<boolean> {
  const { rows } = await sql<{ may: boolean }>`select exists (select 1 from customer_relations)
    or exists (select 1 from customers where parent_customer_id = any(${writtenIds}::uuid[]))
    or exists (select 1 from customers where id = any(${writtenIds}::uuid[]) and parent_customer_id is not null) as may`.execute(trx);
  return rows[0]!.may;
}

/**
 * Resolves the parent links of the written customers, of every customer whose relation
 * names one of them (a child written before its parent), of the sub-departments they name
 * and of their present children, from `customer_relations` through `external_ids`. A
 * customer's own parent relation wins; else a company naming it as a sub-department is its parent. For each parent that gained or lost a child: its parent-company flag is
 * recomputed, it counts as updated by the run, and the change log says which child came or went.
 */
export async function relinkParents(trx: Transaction<Database>, writtenIds: readonly string[], runId: string): Promise<ParentChange[]> {
  if (writtenIds.length === 0 || !(await mayChangeParentLinks(trx, writtenIds))) return [];
  // Driven by the chunk's ids and the few relation rows that name sub-departments, looking
  // customers up by key: with statistics gone stale while a first sync fills the tables, any
  // join to customers becomes a scan of them, a second per chunk.
  const changed = await sql<ParentChange>`
    with sub_departments as (
      select r.customer_id as parent, e.customer_id as child
      from customer_relations r
      cross join lateral jsonb_array_elements_text(case when jsonb_typeof(r.sub_department_external_ids) = 'array' then r.sub_department_external_ids else '[]'::jsonb end) as x(external_id)
      join external_ids e on e.connector = r.connector and e.external_id = x.external_id
    ),
    candidates as (
      select unnest(${writtenIds}::uuid[]) as id
      union
      select r.customer_id from customer_relations r
        join external_ids p on p.connector = r.connector and p.external_id = r.parent_external_id
        where p.customer_id = any(${writtenIds}::uuid[])
      union
      select s.child from sub_departments s where s.parent = any(${writtenIds}::uuid[])
      union
      select c.id from customers c where c.parent_customer_id = any(${writtenIds}::uuid[])
    ),
    own_parent as (
      select distinct on (k.id) k.id, p.customer_id as parent
      from candidates k
      join customer_relations r on r.customer_id = k.id
      join external_ids p on p.connector = r.connector and p.external_id = r.parent_external_id
      where p.customer_id <> k.id
      order by k.id, p.customer_id
    ),
    named_parent as (
      select distinct on (s.child) s.child as id, s.parent
      from sub_departments s join candidates k on k.id = s.child
      where s.parent <> s.child
      order by s.child, s.parent
    ),
    resolved as (
      select k.id, (select c.parent_customer_id from customers c where c.id = k.id) as before, coalesce(o.parent, n.parent) as after
      from candidates k
      left join own_parent o on o.id = k.id
      left join named_parent n on n.id = k.id
    )
    select s.id as child, s.before, s.after from resolved s where s.before is distinct from s.after`.execute(trx);
  if (changed.rows.length === 0) return [];
  // Updated by id in a second statement: an update joined to the query above scans every customer.
  await sql`update customers c set parent_customer_id = x.after
    from unnest(${changed.rows.map((r) => r.child)}::uuid[], ${changed.rows.map((r) => r.after)}::uuid[]) as x(id, after)
    where c.id = x.id`.execute(trx);

  const parents = [...new Set(changed.rows.flatMap((c) => [c.before, c.after]).filter((p): p is string => p !== null))];
  await sql`update customers p set
      is_parent_company = exists (select 1 from customers c where c.parent_customer_id = p.id and c.deleted_at is null),
      updated_run_id = ${runId}, updated_at = now()
    where p.id = any(${parents}::uuid[])`.execute(trx);
  const entries = parents.map((parent) => ({
    run_id: runId,
    customer_id: parent,
    change: 'updated',
    diff: [
      ...changed.rows.filter((c) => c.after === parent).map((c) => ({ aspect: 'subDepartments', key: c.child, change: 'added' })),
      ...changed.rows.filter((c) => c.before === parent).map((c) => ({ aspect: 'subDepartments', key: c.child, change: 'removed' })),
    ],
  }));
  await sql`insert into change_log (run_id, customer_id, change, diff)
    select x.run_id, x.customer_id, x.change, x.diff
    from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as x(run_id text, customer_id uuid, change text, diff jsonb)`.execute(trx);
  return changed.rows;
}

/** Recomputes the parent-company flag of the parents of these customers (a child deleted or restored). */
export async function recomputeParentFlags(trx: Transaction<Database>, childIds: readonly string[]): Promise<void> {
  if (childIds.length === 0) return;
  await sql`update customers p set
      is_parent_company = exists (select 1 from customers c where c.parent_customer_id = p.id and c.deleted_at is null)
    where p.id in (select parent_customer_id from customers where id = any(${childIds}::uuid[]) and parent_customer_id is not null)`.execute(trx);
}
