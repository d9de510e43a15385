import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.js';

/** A parent link that changed: the child, and its parent before and after. */
export interface ParentChange {
  child: string;
  before: string | null;
  after: string | null;
}

/**
 * Resolves the parent links of the written customers, of every customer whose relation
 * names one of them (a child written before its parent), of the sub-departments they name
 * and of their present children, from `customer_relations` through `external_ids`. A
 * customer's own parent relation wins; else a company naming it as a sub-department is its parent. For each parent that gained or lost a child: its parent-company flag is
 * recomputed, it counts as updated by the run, and the change log says which child came or went.
 */
export async function relinkParents(trx: Transaction<Database>, writtenIds: readonly string[], runId: string): Promise<ParentChange[]> {
  if (writtenIds.length === 0) return [];
  const changed = await sql<ParentChange>`
    with candidates as (
      select c.id from customers c where c.id = any(${writtenIds}::uuid[])
      union
      select r.customer_id from customer_relations r
        join external_ids p on p.connector = r.connector and p.external_id = r.parent_external_id
        where p.customer_id = any(${writtenIds}::uuid[])
      union
      select e.customer_id from customer_relations r
        join external_ids e on e.connector = r.connector and r.sub_department_external_ids ? e.external_id
        where r.customer_id = any(${writtenIds}::uuid[])
      union
      select c.id from customers c where c.parent_customer_id = any(${writtenIds}::uuid[])
    ),
    resolved as (
      select k.id, c.parent_customer_id as before,
        coalesce(
          (select p.customer_id from customer_relations r
            join external_ids p on p.connector = r.connector and p.external_id = r.parent_external_id
            where r.customer_id = k.id and p.customer_id <> k.id limit 1),
          (select r.customer_id from customer_relations r
            join external_ids e on e.connector = r.connector and r.sub_department_external_ids ? e.external_id
            where e.customer_id = k.id and r.customer_id <> k.id order by r.customer_id limit 1)
        ) as after
      from candidates k join customers c on c.id = k.id
    )
    update customers c set parent_customer_id = s.after
    from resolved s
    where c.id = s.id and c.parent_customer_id is distinct from s.after
    returning c.id as child, s.before, s.after`.execute(trx);
  if (changed.rows.length === 0) return [];

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
