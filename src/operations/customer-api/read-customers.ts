import { customerActivities, type CustomerActivity } from '../../db/repositories/change-log.js';
import { searchCustomers, type CustomerFilter } from '../../db/repositories/customer-search.js';
import { customerById, customerIdByExternalId, externalIdsOfCustomer, type CustomerRow } from '../../db/repositories/customers.js';
import { OperationError } from '../operation-error.js';
import type { OperationDeps } from '../operation-deps.js';

export type { CustomerActivity, CustomerFilter };

/** A customer by id or by a connector's external id, with its external ids. */
export async function getCustomer(
  { db }: Pick<OperationDeps, 'db'>,
  ref: { id: string } | { connector: string; externalId: string },
): Promise<{ customer: CustomerRow; externalIds: { connector: string; external_id: string }[] }> {
  const id = 'id' in ref ? ref.id : await customerIdByExternalId(db, ref.connector, ref.externalId);
  const customer = id ? await customerById(db, id) : undefined;
  if (!customer) throw new OperationError('not-found', 'id' in ref ? `no customer ${ref.id}` : `no ${ref.connector} customer ${ref.externalId}`);
  return { customer, externalIds: await externalIdsOfCustomer(db, customer.id) };
}

/** A page of customers matching the filter, in id order; `next` continues after it. */
export async function listCustomers(
  { db }: Pick<OperationDeps, 'db'>,
  filter: CustomerFilter,
  page: { after?: string; limit: number },
): Promise<{ customers: CustomerRow[]; next?: string }> {
  const rows = await searchCustomers(db, filter, page.after, page.limit + 1);
  const customers = rows.slice(0, page.limit);
  return { customers, ...(rows.length > page.limit ? { next: customers.at(-1)!.id } : {}) };
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
  const activities = rows.slice(0, page.limit);
  return { activities, ...(rows.length > page.limit ? { next: activities.at(-1)!.id } : {}) };
}
