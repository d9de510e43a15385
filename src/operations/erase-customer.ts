import { randomBytes } from 'node:crypto';
import { customerForUpdate } from '../db/repositories/customer-locks.js';
import { eraseCustomer, type ErasureCounts } from '../db/repositories/customer-erasure.js';
import { customerIdByExternalId } from '../db/repositories/customers.js';
import { OperationError } from './operation-error.js';
import type { OperationDeps } from './operation-deps.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What an erasure did. */
export interface ErasureResult {
  customerId: string;
  /** The id its change-log `purged` entry names as its run. */
  writeId: string;
  /** Rows removed or emptied of personal data, per table. */
  removed: ErasureCounts;
}

/**
 * Erases a customer (by id or `connector:external-id`): its personal data removed everywhere
 * custsync keeps it, in one transaction, with an audit entry naming only who erased it, when,
 * and the SHA-256 of its source id. The same for the API's permanent delete, the CLI and the console.
 */
export async function eraseCustomerData(
  { db }: Pick<OperationDeps, 'db'>,
  ref: string,
  options: { by: string; writeId?: string; ifMatch?: (customer: NonNullable<Awaited<ReturnType<typeof customerForUpdate>>>) => void },
): Promise<ErasureResult> {
  const customerId = UUID.test(ref) ? ref : await idOf(db, ref);
  const writeId = options.writeId ?? `erase/${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  return db.transaction().execute(async (trx) => {
    const customer = await customerForUpdate(trx, customerId);
    if (!customer) throw new OperationError('not-found', `no customer ${ref}`);
    options.ifMatch?.(customer);
    const removed = await eraseCustomer(trx, customerId, { writeId, actor: options.by });
    return { customerId, writeId, removed };
  });
}

async function idOf(db: OperationDeps['db'], ref: string): Promise<string> {
  const colon = ref.indexOf(':');
  if (colon <= 0) throw new OperationError('invalid', `"${ref}" is neither a customer id nor connector:external-id (e.g. erp:C1001)`);
  const id = await customerIdByExternalId(db, ref.slice(0, colon), ref.slice(colon + 1));
  if (!id) throw new OperationError('not-found', `no customer ${ref}`);
  return id;
}
