import type { CustomerRecord } from '../../domain/customer-record.js';
import type { OperationDeps } from '../operation-deps.js';
import type { ApiWriter } from './api-writer.js';
import { writeOneCustomer, type CustomerWriteResult } from './write-one-customer.js';

/** Creates a customer of the writer's system with this source id; a conflict when that source id exists. */
export async function createCustomer(
  deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  writer: ApiWriter,
  sourceId: string,
  record: Omit<CustomerRecord, 'externalId'>,
): Promise<CustomerWriteResult> {
  return writeOneCustomer(deps, {
    writer,
    target: { connector: writer.system, externalId: sourceId },
    mode: 'create',
    recordFor: () => ({ ...record, externalId: sourceId }),
  });
}
