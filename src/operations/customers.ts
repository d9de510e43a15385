import { customerById, customerIdByExternalId, externalIdsOfCustomer, lifecycleOf, type CustomerRow } from '../db/repositories/customers.js';
import { OperationError } from '../domain/operation-error.js';
import type { OperationDeps } from './operation-deps.js';

/** A customer with the connector and run behind every value (in `merged`), its external ids and lifecycle. */
export interface CustomerView extends CustomerRow {
  externalIds: { connector: string; external_id: string }[];
  lifecycle: { run_id: string; change: string; created_at: Date }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id of the customer a reference names (its id, or `connector:external-id`); undefined when there is none. */
export async function customerIdOfRef({ db }: Pick<OperationDeps, 'db'>, ref: string): Promise<string | undefined> {
  if (UUID.test(ref)) return ref;
  const colon = ref.indexOf(':');
  if (colon <= 0) throw new OperationError('invalid', `"${ref}" is neither a customer id nor connector:external-id (e.g. erp:C1001)`);
  return customerIdByExternalId(db, ref.slice(0, colon), ref.slice(colon + 1));
}

/** A customer by its id or by `connector:external-id`. */
export async function showCustomer({ db }: Pick<OperationDeps, 'db'>, ref: string): Promise<CustomerView> {
  const id = await customerIdOfRef({ db }, ref);
  const customer = id ? await customerById(db, id) : undefined;
  if (!customer) throw new OperationError('not-found', `no customer ${ref}`);
  const [externalIds, lifecycle] = await Promise.all([externalIdsOfCustomer(db, customer.id), lifecycleOf(db, customer.id)]);
  return { ...customer, externalIds, lifecycle };
}
