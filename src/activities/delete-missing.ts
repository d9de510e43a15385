import { purgeDeleted, softDelete, stillMissing } from '../db/repositories/deletions.js';
import { flowOfRunId } from '../domain/run-flow.js';
import type { ActivityDeps } from './activity-deps.js';

export interface DeleteMissingInput {
  /** The run that marked the customers missing. */
  markRunId: string;
  /** The grace-period workflow, under whose id the change log records the deletions. */
  changeRunId: string;
  gracePeriod: string;
}

export interface DeleteMissingResult {
  deleted: number;
  /** Still missing, but the connector's lookup found them: left as they are. */
  foundByLookup: number;
}

/**
 * At the end of the grace period: soft-deletes the customers the run marked missing
 * that are still missing. Where the source connector can look a customer up, only
 * those the lookup confirms gone are deleted. Idempotent.
 */
export function deleteMissingActivity({ db, connectors, metrics }: ActivityDeps) {
  return async function deleteMissing(input: DeleteMissingInput): Promise<DeleteMissingResult> {
    const missing = await stillMissing(db, input.markRunId);
    const gone: string[] = [];
    let foundByLookup = 0;
    for (const customer of missing) {
      const connector = connectors(customer.source_connector);
      if (connector.lookup && (await connector.lookup(customer.source_id))) foundByLookup++;
      else gone.push(customer.id);
    }
    const reason = `missing from a full snapshot of ${missing[0]?.source_connector ?? 'its source'} (run ${input.markRunId}) for the grace period of ${input.gracePeriod}`;
    const deleted = await softDelete(db, gone, input.markRunId, input.changeRunId, reason);
    metrics.customersDeleted(flowOfRunId(input.markRunId), deleted);
    return { deleted, foundByLookup };
  };
}

export interface PurgeDeletedInput {
  markRunId: string;
  changeRunId: string;
}

/** At the end of the retention period: removes the customers the grace period soft-deleted. Idempotent. */
export function purgeDeletedActivity({ db }: ActivityDeps) {
  return async function purgeDeletedCustomers(input: PurgeDeletedInput): Promise<number> {
    return purgeDeleted(db, input.markRunId, input.changeRunId);
  };
}
