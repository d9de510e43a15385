import { customerActivities, type CustomerActivity } from '../../db/repositories/change-log.js';
import { customerSearchPlan, searchCustomers, type CustomerFilter } from '../../db/repositories/customer-search.js';
import { customerById, customerIdByExternalId, externalIdsOfCustomer, survivorOf, type CustomerRow } from '../../db/repositories/customers.js';
import { OperationError } from '../../domain/operation-error.js';
import type { OperationDeps } from '../operation-deps.js';

export type { CustomerActivity, CustomerFilter };

/** A customer by id or by a connector's external id, with its external ids. */
export async function getCustomer(
  { db }: Pick<OperationDeps, 'db'>,
  ref: { id: string } | { connector: string; externalId: string },
): Promise<{ customer: CustomerRow; externalIds: { connector: string; external_id: string }[] }> {
  const id = 'id' in ref ? ref.id : await customerIdByExternalId(db, ref.connector, ref.externalId);
  const customer = id ? await survivorOf(db, id) : undefined;
  if (!customer) throw new OperationError('not-found', 'id' in ref ? `no customer ${ref.id}` : `no ${ref.connector} customer ${ref.externalId}`);
  return { customer, externalIds: await externalIdsOfCustomer(db, customer.id) };
}

/** A page of customers matching the filter, in id order; `next` continues after it. */
export async function listCustomers(
  { db }: Pick<OperationDeps, 'db'>,
  filter: CustomerFilter,
  page: { after?: string; limit: number },
): Promise<{ customers: CustomerRow[]; next?: string }> {
  const { items, next } = pageOf(await searchCustomers(db, filter, page.after, page.limit + 1), page.limit);
  return { customers: items, ...(next ? { next } : {}) };
}

/** A customer's change log, newest first, a page at a time; `next` continues after it. */
export async function listCustomerActivities(
  { db }: Pick<OperationDeps, 'db'>,
  customerId: string,
  page: { before?: string; limit: number },
): Promise<{ activities: CustomerActivity[]; next?: string }> {
  const rows = await customerActivities(db, customerId, page.before, page.limit + 1);
  if (rows.length === 0 && page.before === undefined && !(await customerById(db, customerId))) {
    throw new OperationError('not-found', `no customer ${customerId}`);
  }
  const { items, next } = pageOf(rows, page.limit);
  return { activities: items, ...(next ? { next } : {}) };
}

/** The first `limit` of `limit + 1` rows read, and the key to continue after them when there are more. */
function pageOf<T extends { id: string }>(rows: T[], limit: number): { items: T[]; next?: string } {
  const items = rows.slice(0, limit);
  return rows.length > limit ? { items, next: items.at(-1)!.id } : { items };
}

/** How the database would search (its plan, as text): whether a search uses the indexes. */
export async function explainCustomerSearch({ db }: Pick<OperationDeps, 'db'>, filter: CustomerFilter, limit = 50): Promise<string> {
  return customerSearchPlan(db, filter, limit + 1);
}
