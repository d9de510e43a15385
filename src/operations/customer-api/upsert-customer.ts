import type { CustomerRecord } from '../../domain/customer-record.js';
import type { OperationDeps } from '../operation-deps.js';
import type { ApiWriter } from './api-writer.js';
import { requireWritesAs } from './write-permission.js';
import { writeOneCustomer, type CustomerWriteResult } from './write-one-customer.js';

/**
 * Upserts a connector's customer by source id (reference 004): creates it when the connector
 * has no customer with that id, otherwise merges the record into it. The record speaks for
 * the aspects it has; a deleted customer comes back. Its `externalId`, when given, must be the source id.
 */
export async function upsertCustomer(
  deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  writer: ApiWriter,
  connector: string,
  sourceId: string,
  record: Omit<CustomerRecord, 'externalId'> & { externalId?: string },
  options: { ifMatch?: string; ifNoneMatchAny?: boolean } = {},
): Promise<CustomerWriteResult> {
  requireWritesAs(writer, connector);
  return writeOneCustomer(deps, {
    writer,
    connector,
    target: { connector, externalId: sourceId },
    mode: 'upsert',
    recordFor: () => ({ ...record, externalId: record.externalId ?? sourceId }),
    ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
    ...(options.ifNoneMatchAny ? { ifNoneMatchAny: true } : {}),
  });
}
