import type { Transaction } from 'kysely';
import { checkDuplicatesIn } from '../activities/find-duplicates.js';
import type { Database } from '../db/database.js';
import { customerForUpdate } from '../db/repositories/customer-locks.js';
import {
  activeMergeOf,
  deleteChildRows,
  insertMerge,
  markMergeUndone,
  mergeForUpdate,
  moveAllExternalIds,
  moveChildren,
  moveExternalIdsBack,
  runningRunWith,
  setMergedInto,
  type CustomerMergeRow,
} from '../db/repositories/customer-merges.js';
import { addCustomerUpdate, emptyCustomerWrites, writeCustomers } from '../db/repositories/customer-writes.js';
import { externalIdsOfCustomer, firstCreated, type CustomerRow } from '../db/repositories/customers.js';
import { candidateById, decideCandidate } from '../db/repositories/duplicate-candidates.js';
import { forgetDuplicateKeys, recomputeParentCompanyFlags, recordPairDecision, setParent } from '../db/repositories/merge-bookkeeping.js';
import { queuePushes } from '../db/repositories/customer-pushes.js';
import { DUPLICATE_KEY_KINDS } from '../domain/duplicate-settings.js';
import { combineCustomers } from '../merge/combine-customers.js';
import { contentHash, diffCustomers, type MergedCustomer } from '../merge/index.js';
import { splitCustomers } from '../merge/split-customers.js';
import { wakePushTarget } from '../temporal/wake-workflows.js';
import { pushTargetsExcept } from './customer-api/push-targets.js';
import { customerIdOfRef } from './customers.js';
import { OperationError } from './operation-error.js';
import type { OperationDeps } from './operation-deps.js';

/** Where merged customers are pushed: every flow's push targets. The Temporal client is asked for only when there are some. */
export type MergePushDeps = Pick<OperationDeps, 'temporal' | 'config'> & { client: () => Promise<OperationDeps['client']> };

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

const nameOf = (c: CustomerRow) => c.company_name ?? c.display_name ?? ([c.first_name, c.last_name].filter(Boolean).join(' ') || c.id);
const described = (c: CustomerRow) => `${nameOf(c)} [${c.source_connector}:${c.source_id}]`;

/** Both customers locked, in id order (two merges of one pair wait for each other instead of deadlocking). */
async function lockPair(trx: Transaction<Database>, a: string, b: string): Promise<[CustomerRow, CustomerRow]> {
  const [low, high] = a < b ? [a, b] : [b, a];
  const lowRow = await customerForUpdate(trx, low);
  const highRow = await customerForUpdate(trx, high);
  const byId = new Map([lowRow, highRow].filter((r): r is CustomerRow => r !== undefined).map((r) => [r.id, r]));
  for (const id of [a, b]) if (!byId.has(id)) throw new OperationError('not-found', `no customer ${id}`);
  return [byId.get(a)!, byId.get(b)!];
}

async function refuseWhileRunning(trx: Transaction<Database>, ids: string[]): Promise<void> {
  const run = await runningRunWith(trx, ids);
  if (run) throw new OperationError('conflict', `run ${run} is syncing one of these customers; decide after it has finished (custsync runs show ${run})`);
}

async function pushAfter(deps: { db: OperationDeps['db']; push?: MergePushDeps }, ids: string[], by: string): Promise<string[]> {
  if (!deps.push) return [];
  const targets = pushTargetsExcept(deps.push.config, '');
  if (targets.length === 0) return [];
  const client = await deps.push.client();
  for (const target of targets) {
    await queuePushes(deps.db, target, ids, by);
    await wakePushTarget(client, deps.push.temporal.taskQueue, target, deps.push.config.push).catch(() => undefined);
  }
  return targets;
}

/**
 * Merges `mergedId` into `survivorId`: the survivor takes the other's external ids (each connector
 * finds it by its own id from now on), every item with its provenance, and its name and relations
 * where it has none; the other stays as a row that redirects to the survivor, so its source id is
 * never created again. Refused with a reason, changing nothing: a customer with itself, a person
 * with a company, a customer merged away or deleted, a pair another decision came first for, a
 * customer a running run is syncing.
 */
async function mergeInTransaction(trx: Transaction<Database>, survivorId: string, mergedId: string, candidateId: string | null, by: string): Promise<MergeOutcome> {
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
  await refuseWhileRunning(trx, [survivorId, mergedId]);
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

/** Merges a duplicate candidate's pair; the survivor is the customer created first unless `survivor` names the other. */
export async function mergeDuplicate(
  deps: Pick<OperationDeps, 'db'> & { push?: MergePushDeps },
  candidateId: string,
  options: { by: string; survivor?: string },
): Promise<MergeOutcome> {
  const candidate = /^[1-9]\d{0,17}$/.test(candidateId) ? await candidateById(deps.db, candidateId) : undefined;
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
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const merge = await mergeNamed(trx, ref);
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
      { run_id: runId, customer_id: survivor.id, change: 'unmerged', diff: diffCustomers(survivor.merged, survivorAfter), actor: options.by },
      { run_id: runId, customer_id: merged.id, change: 'unmerged', diff: [{ aspect: 'mergedInto', change: 'removed', before: survivor.id }], actor: options.by },
    );
    await writeCustomers(trx, writes);
    if (survivorAsBefore) await setParent(trx, survivor.id, before.parent_customer_id);
    await recomputeParentCompanyFlags(trx, [survivor.id, merged.id]);
    await recordPairDecision(trx, survivor.id, merged.id, 'kept-apart', options.by);
    await markMergeUndone(trx, merge.id, options.by);
    await checkDuplicatesIn(trx, [survivor.id, merged.id], DUPLICATE_KEY_KINDS, runId);
    return { mergeId: String(merge.id), survivorId: survivor.id, mergedId: merged.id, exact, queuedFor: [] };
  });
  return { ...outcome, queuedFor: await pushAfter(deps, [outcome.survivorId, outcome.mergedId], `unmerge/${outcome.mergeId}`) };
}

/** The merge `ref` names: a merge id, or the merged customer (id or connector:external-id) whose merge is in effect. */
async function mergeNamed(trx: Transaction<Database>, ref: string): Promise<CustomerMergeRow> {
  if (/^[1-9]\d{0,17}$/.test(ref)) {
    const merge = await mergeForUpdate(trx, ref);
    if (merge) return merge;
    throw new OperationError('not-found', `no merge ${ref}`);
  }
  const id = await customerIdOfRef({ db: trx }, ref);
  const merge = id ? await activeMergeOf(trx, id) : undefined;
  if (!merge) throw new OperationError('not-found', `${ref} is not a customer merged into another (custsync customers show ${ref})`);
  return merge;
}
