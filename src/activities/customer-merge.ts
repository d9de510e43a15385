/**
 * Merging two customers into one and undoing it, inside the caller's transaction: the rules both
 * the data team's decisions (operations) and a run's automatic merges (activities) follow.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { checkDuplicatesIn } from './check-duplicates.js';
import { customerForUpdate } from '../db/repositories/customer-locks.js';
import {
  deleteChildRows,
  insertMerge,
  markMergeUndone,
  moveAllExternalIds,
  moveChildren,
  moveExternalIdsBack,
  runningRunWith,
  setMergedInto,
  type CustomerMergeRow,
} from '../db/repositories/customer-merges.js';
import { addCustomerUpdate, emptyCustomerWrites, writeCustomers } from '../db/repositories/customer-writes.js';
import { externalIdsOfCustomer, type CustomerRow } from '../db/repositories/customers.js';
import { candidateById, decideCandidate } from '../db/repositories/duplicate-candidates.js';
import { forgetDuplicateKeys, recomputeParentCompanyFlags, recordPairDecision, setParent } from '../db/repositories/merge-bookkeeping.js';
import { displayNameOfRow } from '../domain/customer-display-name.js';
import { DUPLICATE_KEY_KINDS } from '../domain/duplicate-settings.js';
import { OperationError } from '../domain/operation-error.js';
import { combineCustomers } from '../merge/combine-customers.js';
import { contentHash, diffCustomers, type MergedCustomer } from '../merge/index.js';
import { splitCustomers } from '../merge/split-customers.js';

/** What merging or unmerging did. */
export interface MergeOutcome {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  /** Unmerging: whether the survivor was restored exactly as before (nothing changed it since the merge). */
  exact?: boolean;
  /** Push targets the changed customers were queued for. */
  queuedFor: string[];
}

const described = (c: CustomerRow) => `${displayNameOfRow(c) || c.id} [${c.source_connector}:${c.source_id}]`;

/** Both customers locked, in id order (two merges of one pair wait for each other instead of deadlocking). */
async function lockPair(trx: Transaction<Database>, a: string, b: string): Promise<[CustomerRow, CustomerRow]> {
  const [low, high] = a < b ? [a, b] : [b, a];
  const lowRow = await customerForUpdate(trx, low);
  const highRow = await customerForUpdate(trx, high);
  const byId = new Map([lowRow, highRow].filter((r): r is CustomerRow => r !== undefined).map((r) => [r.id, r]));
  for (const id of [a, b]) if (!byId.has(id)) throw new OperationError('not-found', `no customer ${id}`);
  return [byId.get(a)!, byId.get(b)!];
}

/** Refuses while a run (other than `except`, the run merging) is syncing one of the customers. */
async function refuseWhileRunning(trx: Transaction<Database>, ids: string[], except?: string): Promise<void> {
  const run = await runningRunWith(trx, ids, except);
  if (run) throw new OperationError('conflict', `run ${run} is syncing one of these customers; decide after it has finished (custsync runs show ${run})`);
}


/**
 * Merges `mergedId` into `survivorId`: the survivor takes the other's external ids (each connector
 * finds it by its own id from now on), every item with its provenance, and its name and relations
 * where it has none; the other stays as a row that redirects to the survivor, so its source id is
 * never created again. Refused with a reason, changing nothing: a customer with itself, a person
 * with a company, a customer merged away or deleted, a pair another decision came first for, a
 * customer a running run is syncing.
 */
export async function mergeInTransaction(
  trx: Transaction<Database>,
  survivorId: string,
  mergedId: string,
  candidateId: string | null,
  by: string,
  options: { runningRun?: string } = {},
): Promise<MergeOutcome> {
  if (survivorId === mergedId) throw new OperationError('invalid', `customer ${survivorId} cannot be merged with itself`);
  const [survivor, merged] = await lockPair(trx, survivorId, mergedId);
  if (candidateId !== null && !(await decideCandidate(trx, candidateId, 'merged', by))) {
    const now = await candidateById(trx, candidateId);
    throw new OperationError('conflict', `duplicate candidate ${candidateId} was already decided: ${now?.status ?? 'gone'} by ${now?.decidedBy ?? 'someone'} at ${now?.decidedAt?.toISOString() ?? '?'}`);
  }
  if (survivor.type !== merged.type) {
    throw new OperationError('invalid', `${described(survivor)} is a ${survivor.type} and ${described(merged)} a ${merged.type}: a person is never merged with a company`);
  }
  for (const c of [survivor, merged]) {
    if (c.merged_into) throw new OperationError('conflict', `${described(c)} was merged into customer ${c.merged_into} already; merge with that one, or undo it first (custsync duplicates unmerge ${c.id})`);
    if (c.deleted_at) throw new OperationError('conflict', `${described(c)} is deleted; restore it before merging`);
  }
  await refuseWhileRunning(trx, [survivorId, mergedId], options.runningRun);
  if (candidateId === null) await recordPairDecision(trx, survivorId, mergedId, 'merged', by);

  const combined = combineCustomers(survivor.merged, merged.merged);
  const hash = contentHash(combined);
  const externalIds = await moveAllExternalIds(trx, mergedId, survivorId);
  const childIds = await moveChildren(trx, mergedId, survivorId);
  const mergeId = await insertMerge(trx, {
    survivorId,
    mergedId,
    candidateId,
    externalIds,
    childIds,
    survivorBefore: {
      merged: survivor.merged,
      content_hash: survivor.content_hash,
      input_hash: survivor.input_hash,
      updated_run_id: survivor.updated_run_id,
      parent_customer_id: survivor.parent_customer_id,
      relation_type: survivor.relation_type,
    },
    mergedHash: hash,
    by,
  });
  const runId = `merge/${mergeId}`;
  const writes = emptyCustomerWrites();
  writes.relink = false;
  addCustomerUpdate(writes, survivorId, survivor.merged, combined, metaOf(survivor, hash, survivor.input_hash, runId));
  writes.changes.push(
    { run_id: runId, customer_id: survivorId, change: 'merged', diff: diffCustomers(survivor.merged, combined), actor: by },
    { run_id: runId, customer_id: mergedId, change: 'merged', diff: [{ aspect: 'mergedInto', change: 'added', after: survivorId }], actor: by },
  );
  await writeCustomers(trx, writes);
  if (!survivor.merged.relations && merged.merged.relations) await setParent(trx, survivorId, merged.parent_customer_id);
  await setMergedInto(trx, mergedId, survivorId);
  await deleteChildRows(trx, mergedId);
  await recomputeParentCompanyFlags(trx, [survivorId, mergedId]);
  await forgetDuplicateKeys(trx, mergedId);
  await checkDuplicatesIn(trx, [survivorId], DUPLICATE_KEY_KINDS, runId);
  return { mergeId, survivorId, mergedId, queuedFor: [] };
}

function metaOf(c: CustomerRow, contentHash: string, inputHash: string | null, runId: string) {
  return { sourceConnector: c.source_connector, sourceId: c.source_id, contentHash, inputHash, runId, createdRunId: c.created_run_id };
}


/**
 * Undoes a merge: both customers come back as they would be without it. When nothing changed the
 * survivor since, exactly as they were; else each value goes back to the customer whose
 * connectors supply it (see `splitCustomers`). The pair is kept apart from then on. The external
 * ids and child companies the merge moved move back.
 */
export async function unmergeInTransaction(trx: Transaction<Database>, merge: CustomerMergeRow, by: string): Promise<MergeOutcome> {
    if (merge.undone_at) throw new OperationError('conflict', `merge ${merge.id} was undone already by ${merge.undone_by ?? 'someone'} at ${merge.undone_at.toISOString()}`);
    const [survivor, merged] = await lockPair(trx, merge.survivor_id, merge.merged_id);
    if (merged.merged_into !== survivor.id) throw new OperationError('conflict', `${described(merged)} is no longer merged into ${described(survivor)}`);
    if (survivor.merged_into) throw new OperationError('conflict', `${described(survivor)} was merged into customer ${survivor.merged_into} since; undo that merge first (custsync duplicates unmerge ${survivor.id})`);
    if (survivor.deleted_at) throw new OperationError('conflict', `${described(survivor)} is deleted; restore it before undoing its merge`);
    await refuseWhileRunning(trx, [survivor.id, merged.id]);

    const before = merge.survivor_before;
    const exact = survivor.content_hash === merge.merged_hash;
    let survivorAfter: MergedCustomer = before.merged;
    let mergedAfter: MergedCustomer = merged.merged;
    if (!exact) {
      const key = (e: { connector: string; external_id: string }) => `${e.connector}\u0000${e.external_id}`;
      const movedIds = new Set(merge.external_ids.map(key));
      const own = new Set([survivor.source_connector, ...(await externalIdsOfCustomer(trx, survivor.id)).filter((e) => !movedIds.has(key(e))).map((e) => e.connector)]);
      const moved = new Set(merge.external_ids.map((e) => e.connector).filter((c) => !own.has(c)));
      ({ survivor: survivorAfter, merged: mergedAfter } = splitCustomers(survivor.merged, { survivor: before.merged, merged: merged.merged }, moved));
    }
    await moveExternalIdsBack(trx, merge.external_ids, survivor.id, merged.id);
    await moveChildren(trx, survivor.id, merged.id, merge.child_ids);
    await setMergedInto(trx, merged.id, null);
    const runId = `unmerge/${merge.id}`;
    const writes = emptyCustomerWrites();
    writes.relink = false;
    // A side that comes back as it was before the merge gets its bookkeeping from then too.
    const survivorHash = contentHash(survivorAfter);
    const survivorAsBefore = survivorHash === before.content_hash;
    const mergedHash = contentHash(mergedAfter);
    const mergedAsBefore = mergedHash === merged.content_hash;
    addCustomerUpdate(writes, survivor.id, survivor.merged, survivorAfter, metaOf(survivor, survivorHash, survivorAsBefore ? before.input_hash : null, survivorAsBefore ? before.updated_run_id : runId));
    addCustomerUpdate(writes, merged.id, undefined, mergedAfter, metaOf(merged, mergedHash, mergedAsBefore ? merged.input_hash : null, mergedAsBefore ? merged.updated_run_id : runId));
    writes.changes.push(
      { run_id: runId, customer_id: survivor.id, change: 'unmerged', diff: diffCustomers(survivor.merged, survivorAfter), actor: by },
      { run_id: runId, customer_id: merged.id, change: 'unmerged', diff: [{ aspect: 'mergedInto', change: 'removed', before: survivor.id }], actor: by },
    );
    await writeCustomers(trx, writes);
    if (survivorAsBefore) await setParent(trx, survivor.id, before.parent_customer_id);
    await recomputeParentCompanyFlags(trx, [survivor.id, merged.id]);
    await recordPairDecision(trx, survivor.id, merged.id, 'kept-apart', by);
    await markMergeUndone(trx, merge.id, by);
    await checkDuplicatesIn(trx, [survivor.id, merged.id], DUPLICATE_KEY_KINDS, runId);
    return { mergeId: String(merge.id), survivorId: survivor.id, mergedId: merged.id, exact, queuedFor: [] };
}
