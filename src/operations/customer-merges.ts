import type { Transaction } from 'kysely';
import { mergeInTransaction, unmergeInTransaction, type MergeOutcome } from '../activities/customer-merge.js';
import type { Database } from '../db/database.js';
import { activeMergeOf, mergeForUpdate, type CustomerMergeRow } from '../db/repositories/customer-merges.js';
import { firstCreated } from '../db/repositories/customers.js';
import { candidateById } from '../db/repositories/duplicate-candidates.js';
import { OperationError } from '../domain/operation-error.js';
import { pushTargetsExcept } from './customer-api/push-targets.js';
import { customerIdOfRef } from './customers.js';
import { pushToTargets } from './pushes.js';
import type { OperationDeps } from './operation-deps.js';
import { ROW_ID } from '../domain/row-id.js';

export type { MergeOutcome };

/** Where merged customers are pushed: every flow's push targets. The Temporal client is asked for only when there are some. */
export type MergePushDeps = Pick<OperationDeps, 'temporal' | 'config'> & { client: () => Promise<OperationDeps['client']> };


/** Queues the customers a merge or its undoing changed for every push target (the targets). */
async function pushAfter(deps: { db: OperationDeps['db']; push?: MergePushDeps }, ids: string[], by: string): Promise<string[]> {
  const targets = deps.push ? pushTargetsExcept(deps.push.config, '') : [];
  if (!deps.push || targets.length === 0) return [];
  return pushToTargets({ db: deps.db, ...deps.push, client: await deps.push.client() }, targets, ids, by, { wakeLater: true });
}

/** Merges a duplicate candidate's pair; the survivor is the customer created first unless `survivor` names the other. */
export async function mergeDuplicate(
  deps: Pick<OperationDeps, 'db'> & { push?: MergePushDeps },
  candidateId: string,
  options: { by: string; survivor?: string },
): Promise<MergeOutcome> {
  const candidate = ROW_ID.test(candidateId) ? await candidateById(deps.db, candidateId) : undefined;
  if (!candidate) throw new OperationError('not-found', `no duplicate candidate ${candidateId} (custsync duplicates list)`);
  const [first, second] = candidate.customers;
  const bySurvivor = options.survivor ? await customerIdOfRef(deps, options.survivor) : undefined;
  if (options.survivor && bySurvivor !== first.id && bySurvivor !== second.id) {
    throw new OperationError('invalid', `survivor: ${options.survivor} is neither customer of candidate ${candidateId} (${first.id}, ${second.id})`);
  }
  const survivorId = bySurvivor ?? (await firstCreated(deps.db, [first.id, second.id]));
  const mergedId = survivorId === first.id ? second.id : first.id;
  const outcome = await deps.db.transaction().execute((trx) => mergeInTransaction(trx, survivorId, mergedId, candidateId, options.by));
  return { ...outcome, queuedFor: await pushAfter(deps, [survivorId], `merge/${outcome.mergeId}`) };
}

/** Merges two customers named by reference (id or connector:external-id), whether or not they were proposed. */
export async function mergeCustomers(
  deps: Pick<OperationDeps, 'db'> & { push?: MergePushDeps },
  survivorRef: string,
  mergedRef: string,
  options: { by: string },
): Promise<MergeOutcome> {
  const [survivorId, mergedId] = await Promise.all([survivorRef, mergedRef].map(async (ref) => {
    const id = await customerIdOfRef(deps, ref);
    if (!id) throw new OperationError('not-found', `no customer ${ref}`);
    return id;
  }));
  const outcome = await deps.db.transaction().execute((trx) => mergeInTransaction(trx, survivorId!, mergedId!, null, options.by));
  return { ...outcome, queuedFor: await pushAfter(deps, [survivorId!], `merge/${outcome.mergeId}`) };
}

/**
 * Undoes a merge (by its id, or named by the merged customer): both customers come back as they
 * would be without it. When nothing changed the survivor since, exactly as they were; else each
 * value goes back to the customer whose connectors supply it (see `splitCustomers`). The pair is
 * kept apart from then on. The external ids and child companies the merge moved move back.
 */
export async function unmergeCustomer(
  deps: Pick<OperationDeps, 'db'> & { push?: MergePushDeps },
  ref: string,
  options: { by: string },
): Promise<MergeOutcome> {
  const outcome = await deps.db.transaction().execute(async (trx) => unmergeInTransaction(trx, await mergeNamed(trx, ref), options.by));
  return { ...outcome, queuedFor: await pushAfter(deps, [outcome.survivorId, outcome.mergedId], `unmerge/${outcome.mergeId}`) };
}

/** The merge `ref` names: a merge id, or the merged customer (id or connector:external-id) whose merge is in effect. */
async function mergeNamed(trx: Transaction<Database>, ref: string): Promise<CustomerMergeRow> {
  if (ROW_ID.test(ref)) {
    const merge = await mergeForUpdate(trx, ref);
    if (merge) return merge;
    throw new OperationError('not-found', `no merge ${ref}`);
  }
  const id = await customerIdOfRef({ db: trx }, ref);
  const merge = id ? await activeMergeOf(trx, id) : undefined;
  if (!merge) throw new OperationError('not-found', `${ref} is not a customer merged into another (custsync customers show ${ref})`);
  return merge;
}
