import type { AttributeValue } from '../../domain/customer-record.js';
import { connectorAttributesWith } from '../../merge/index.js';
import { OperationError } from '../../domain/operation-error.js';
import type { OperationDeps } from '../operation-deps.js';
import type { ApiWriter } from './api-writer.js';
import type { WriteTarget } from './write-one-customer.js';
import { writeOneCustomer } from './write-one-customer.js';

/** What setting an attribute did to one customer. */
export interface AttributeOutcome {
  /** The customer as the request named it: an id, or `connector:externalId`. */
  customer: string;
  status: 'updated' | 'unchanged' | 'not-found' | 'refused';
  customerId?: string;
  reason?: string;
}

/**
 * Sets (`value` given) or removes one customer attribute on many customers (reference 004's
 * metadata in bulk), as the writer system's value; each customer is its own write, so one
 * customer that cannot take it does not hold the others back. Removing takes away the
 * writer's value; a value another connector supplies stays.
 */
export async function setAttributeInBulk(
  deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  writer: ApiWriter,
  request: { key: string; value?: AttributeValue; customers: WriteTarget[] },
): Promise<AttributeOutcome[]> {
  const outcomes: AttributeOutcome[] = [];
  for (const target of request.customers) {
    const named = 'id' in target ? target.id : `${target.connector}:${target.externalId}`;
    try {
      const result = await writeOneCustomer(deps, {
        writer,
        target,
        mode: 'update',
        recordFor: (existing) => ({
          externalId: existing!.source_id,
          customerAttributes: connectorAttributesWith(existing!.merged, writer.system, request.key, request.value),
        }),
        aspects: () => ['customerAttributes'],
      });
      outcomes.push({ customer: named, status: result.status === 'unchanged' ? 'unchanged' : 'updated', customerId: result.customer.id });
    } catch (error) {
      if (!(error instanceof OperationError)) throw error;
      outcomes.push({ customer: named, status: error.kind === 'not-found' ? 'not-found' : 'refused', reason: error.message });
    }
  }
  return outcomes;
}
