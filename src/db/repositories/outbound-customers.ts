import type { Kysely } from 'kysely';
import type { OutboundCustomer } from '../../domain/outbound-customer.js';
import { mergedValues } from '../../merge/index.js';
import type { Database } from '../database.js';

/**
 * Customers as they are pushed to `target`, by id: their values, their ids there (if the
 * target has them), their parents' ids there and the ids there of their sub-departments.
 * A customer that is gone or deleted is absent from the map. Three statements, however
 * many customers are asked for.
 */
export async function loadOutboundCustomers(db: Kysely<Database>, customerIds: readonly string[], target: string): Promise<Map<string, OutboundCustomer>> {
  const loaded = new Map<string, OutboundCustomer>();
  if (customerIds.length === 0) return loaded;
  const ids = [...new Set(customerIds)];
  const [customers, children] = await Promise.all([
    db
      .selectFrom('customers')
      .select(['id', 'type', 'merged', 'parent_customer_id', 'is_parent_company', 'created_at', 'updated_at', 'updated_run_id'])
      .where('id', 'in', ids)
      .where('deleted_at', 'is', null)
      // A customer merged into another is pushed as that one (its survivor is queued by the merge).
      .where('merged_into', 'is', null)
      .execute(),
    db.selectFrom('customers').select(['id', 'parent_customer_id']).where('parent_customer_id', 'in', ids).where('deleted_at', 'is', null).execute(),
  ]);
  if (customers.length === 0) return loaded;
  const related = new Set<string>(ids);
  for (const c of customers) if (c.parent_customer_id) related.add(c.parent_customer_id);
  for (const c of children) related.add(c.id);
  const idsThere = await db
    .selectFrom('external_ids')
    .select(['customer_id', 'external_id'])
    .where('connector', '=', target)
    .where('customer_id', 'in', [...related])
    .orderBy('external_id')
    .execute();
  const idsThereOf = new Map<string, string[]>();
  for (const row of idsThere) {
    const list = idsThereOf.get(row.customer_id);
    if (list) list.push(row.external_id);
    else idsThereOf.set(row.customer_id, [row.external_id]);
  }
  const childIdsThere = new Map<string, string[]>();
  for (const child of children) {
    const there = idsThereOf.get(child.id);
    if (!there) continue;
    const list = childIdsThere.get(child.parent_customer_id!);
    if (list) list.push(...there);
    else childIdsThere.set(child.parent_customer_id!, [...there]);
  }
  for (const customer of customers) {
    const own = idsThereOf.get(customer.id)?.[0];
    const parent = customer.parent_customer_id ? idsThereOf.get(customer.parent_customer_id)?.[0] : undefined;
    loaded.set(customer.id, {
      id: customer.id,
      type: customer.type,
      ...mergedValues(customer.merged),
      ...(own !== undefined ? { externalId: own } : {}),
      ...(parent !== undefined ? { parentExternalId: parent } : {}),
      childExternalIds: (childIdsThere.get(customer.id) ?? []).sort(),
      isParentCompany: customer.is_parent_company,
      createdAt: new Date(customer.created_at).toISOString(),
      updatedAt: new Date(customer.updated_at).toISOString(),
      updatedBy: customer.updated_run_id,
    });
  }
  return loaded;
}
