import { patchedAspects, recordFromPatch, type AspectPatch } from '../../merge/index.js';
import { OperationError } from '../../domain/operation-error.js';
import type { OperationDeps } from '../operation-deps.js';
import type { ApiWriter } from './api-writer.js';
import { writeOneCustomer, type CustomerWriteResult } from './write-one-customer.js';

/**
 * Changes aspects of a customer by a JSON merge patch (RFC 7396), as values of the writer's
 * system: the patched aspects are what that system now says, merged by the usual rules (a
 * list value another connector still supplies stays). `sourceId`, when given, must be the customer's.
 */
export async function patchCustomer(
  deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  writer: ApiWriter,
  customerId: string,
  patch: AspectPatch & { sourceId?: string },
  options: { ifMatch?: string } = {},
): Promise<CustomerWriteResult> {
  const { sourceId, ...aspects } = patch;
  return writeOneCustomer(deps, {
    writer,
    target: { id: customerId },
    mode: 'update',
    recordFor: (existing) => {
      if (sourceId !== undefined && sourceId !== existing!.source_id) {
        throw new OperationError('invalid', `sourceId: customer ${customerId} has source id "${existing!.source_id}", the patch says "${sourceId}"; a source id never changes`, 'source-id-immutable');
      }
      return recordFromPatch(existing!.merged, existing!.source_id, aspects);
    },
    aspects: () => patchedAspects(aspects),
    ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
  });
}
