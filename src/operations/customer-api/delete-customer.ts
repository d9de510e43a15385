import { customerForUpdate } from '../../db/repositories/customer-locks.js';
import { softDeleteCustomer } from '../../db/repositories/customer-lifecycle-changes.js';
import { eraseCustomerData } from '../erase-customer.js';
import { OperationError } from '../../domain/operation-error.js';
import type { OperationDeps } from '../operation-deps.js';
import { actorOf, newWriteId, type ApiWriter } from './api-writer.js';
import { etagMatches } from './customer-etag.js';

/** What a deletion did. */
export interface DeletionResult {
  customerId: string;
  /** `deleted`: marked deleted (recoverable); `purged`: gone for good; `unchanged`: deleted already. */
  status: 'deleted' | 'purged' | 'unchanged';
  writeId: string;
}

/**
 * Deletes a customer: marks it deleted (kept, restored by the next upsert of it), or with
 * `permanent` (admin) erases it: its personal data removed everywhere custsync keeps it. Both are logged with the writer.
 */
export async function deleteCustomer(
  { db }: Pick<OperationDeps, 'db'>,
  writer: ApiWriter,
  customerId: string,
  options: { permanent?: boolean; ifMatch?: string } = {},
): Promise<DeletionResult> {
  if (options.permanent && !writer.admin) throw new OperationError('forbidden', `token ${writer.token} has no admin scope: a permanent deletion needs one`);
  const writeId = newWriteId(writer.system);
  if (options.permanent) {
    // A permanent deletion forgets the customer: its personal data goes from everywhere custsync keeps it.
    const erased = await eraseCustomerData({ db }, customerId, {
      by: actorOf(writer),
      writeId,
      precondition: (customer) => {
        if (options.ifMatch !== undefined && !etagMatches(options.ifMatch, customer)) {
          throw new OperationError('precondition-failed', `customer ${customerId} has changed since it was read (If-Match ${options.ifMatch}); read it again and retry`);
        }
      },
    });
    return { customerId: erased.customerId, status: 'purged', writeId };
  }
  return db.transaction().execute(async (trx) => {
    const customer = await customerForUpdate(trx, customerId);
    if (!customer) throw new OperationError('not-found', `no customer ${customerId}`);
    if (options.ifMatch !== undefined && !etagMatches(options.ifMatch, customer)) {
      throw new OperationError('precondition-failed', `customer ${customerId} has changed since it was read (If-Match ${options.ifMatch}); read it again and retry`);
    }
    const author = { writeId, actor: actorOf(writer) };
    if (customer.deleted_at) return { customerId, status: 'unchanged', writeId };
    await softDeleteCustomer(trx, customerId, `deleted through the API by token ${writer.token}`, author);
    return { customerId, status: 'deleted', writeId };
  });
}
