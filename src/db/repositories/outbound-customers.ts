import type { Kysely } from 'kysely';
import type { OutboundCustomer } from '../../domain/outbound-customer.js';
import { mergedValues } from '../../merge/index.js';
import type { Database } from '../database.js';

/**
 * A customer as it is pushed to `target`: its values, its id there (if the target has
 * it), its parent's id there and the ids there of its sub-departments. Undefined when the
 * customer is gone or deleted.
 */
export async function loadOutboundCustomer(db: Kysely<Database>, customerId: string, target: string): Promise<OutboundCustomer | undefined> {
  const customer = await db
    .selectFrom('customers')
    .select(['id', 'type', 'merged', 'parent_customer_id', 'is_parent_company', 'created_at', 'updated_at', 'updated_run_id', 'deleted_at'])
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!customer || customer.deleted_at) return undefined;
  const idsThere = (ids: string[]) =>
    ids.length === 0
      ? Promise.resolve([])
      : db.selectFrom('external_ids').select(['customer_id', 'external_id']).where('connector', '=', target).where('customer_id', 'in', ids).orderBy('external_id').execute();
  const children = await db.selectFrom('customers').select('id').where('parent_customer_id', '=', customerId).where('deleted_at', 'is', null).execute();
  const [own, parent, childIds] = await Promise.all([
    idsThere([customerId]),
    idsThere(customer.parent_customer_id ? [customer.parent_customer_id] : []),
    idsThere(children.map((c) => c.id)),
  ]);
  return {
    id: customer.id,
    type: customer.type,
    ...mergedValues(customer.merged),
    ...(own[0] ? { externalId: own[0].external_id } : {}),
    ...(parent[0] ? { parentExternalId: parent[0].external_id } : {}),
    childExternalIds: childIds.map((c) => c.external_id),
    isParentCompany: customer.is_parent_company,
    createdAt: new Date(customer.created_at).toISOString(),
    updatedAt: new Date(customer.updated_at).toISOString(),
    updatedBy: customer.updated_run_id,
  };
}
