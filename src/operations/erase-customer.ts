import { randomBytes } from 'node:crypto';
import { customerForUpdate } from '../db/repositories/customer-locks.js';
import { eraseCustomer, type ErasureCounts } from '../db/repositories/customer-erasure.js';
import { customerIdOfRef } from './customers.js';
import { OperationError } from '../domain/operation-error.js';
import type { OperationDeps } from './operation-deps.js';

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
  options: { by: string; writeId?: string; precondition?: (customer: NonNullable<Awaited<ReturnType<typeof customerForUpdate>>>) => void },
): Promise<ErasureResult> {
  const customerId = await customerIdOfRef({ db }, ref);
  if (!customerId) throw new OperationError('not-found', `no customer ${ref}`);
  const writeId = options.writeId ?? `erase/${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  return db.transaction().execute(async (trx) => {
    const customer = await customerForUpdate(trx, customerId);
    if (!customer) throw new OperationError('not-found', `no customer ${ref}`);
    options.precondition?.(customer);
    const removed = await eraseCustomer(trx, customerId, { writeId, actor: options.by });
    return { customerId, writeId, removed };
  });
}
