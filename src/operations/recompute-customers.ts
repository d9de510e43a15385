import { customerForUpdate } from '../db/repositories/customer-locks.js';
import { addCustomerUpdate, emptyCustomerWrites, writeCustomers } from '../db/repositories/customer-writes.js';
import { customerIdsAfter } from '../db/repositories/customers.js';
import { OperationError } from '../domain/operation-error.js';
import { contentHash, diffCustomers, mergeCustomer } from '../merge/index.js';
import type { OperationDeps } from './operation-deps.js';

/** What recomputing did. */
export interface RecomputeOutcome {
  /** Customers looked at, and those whose values the rules now choose differently. */
  checked: number;
  changed: number;
  /** The id the changes are logged under. */
  runId: string;
}

/**
 * Applies a flow's survivorship rules to every stored customer again, from the values each
 * connector supplied last as stored with the customer (no source is read): after a rule
 * changed, each field gets the value the new rule chooses. A customer whose values stay the
 * same is not written. Each page of customers is one transaction.
 */
export async function recomputeCustomers(
  { db, config }: Pick<OperationDeps, 'db' | 'config'>,
  flow: string,
  options: { by: string; pageSize?: number; onProgress?: (checked: number, changed: number) => void },
): Promise<RecomputeOutcome> {
  const flowConfig = config.flows[flow];
  if (!flowConfig) throw new OperationError('not-found', `unknown flow "${flow}"; configured flows: ${Object.keys(config.flows).join(', ') || 'none'}`);
  const rules = flowConfig.survivorship ?? {};
  const now = new Date().toISOString();
  const runId = `recompute/${flow}/${now.replace(/[-:.]/g, '')}`;
  const outcome: RecomputeOutcome = { checked: 0, changed: 0, runId };
  let after: string | undefined;
  for (;;) {
    const ids = await customerIdsAfter(db, after, options.pageSize ?? 500);
    if (ids.length === 0) return outcome;
    after = ids.at(-1);
    outcome.changed += await db.transaction().execute(async (trx) => {
      const writes = emptyCustomerWrites();
      writes.relink = false;
      for (const id of ids) {
        const customer = await customerForUpdate(trx, id);
        if (!customer || customer.merged_into || customer.deleted_at) continue;
        const recomputed = mergeCustomer(customer.merged, [], runId, { rules, now });
        const hash = contentHash(recomputed);
        if (hash === customer.content_hash) continue;
        const meta = { sourceConnector: customer.source_connector, sourceId: customer.source_id, contentHash: hash, inputHash: customer.input_hash, runId, createdRunId: customer.created_run_id };
        addCustomerUpdate(writes, id, customer.merged, recomputed, meta);
        writes.changes.push({ run_id: runId, customer_id: id, change: 'updated', diff: diffCustomers(customer.merged, recomputed), actor: options.by });
      }
      if (writes.customers.length > 0) await writeCustomers(trx, writes);
      return writes.customers.length;
    });
    outcome.checked += ids.length;
    options.onProgress?.(outcome.checked, outcome.changed);
  }
}
