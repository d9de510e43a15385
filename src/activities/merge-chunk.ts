import { Context } from '@temporalio/activity';
import { InputError } from '../connectors/input-error.js';
import { isDataException, isUniqueViolation } from '../db/data-exception.js';
import { addCustomerUpdate, addCustomerWrite, customerWritesFor, emptyCustomerWrites, writeCustomers, type CustomerWrites } from '../db/repositories/customer-writes.js';
import { holdCustomers } from '../db/repositories/pending-customers.js';
import {
  chunkStartOf,
  currentCustomersOf,
  customersBySourceIds,
  externalIdsOf,
  lockAndFindChanged,
  mergeSetChunk,
  recordChunkOutcome,
  stagedRecordsOf,
  storedChunkOutcome,
  type CurrentCustomer,
  type StagedRecord,
} from '../db/repositories/merge-chunks.js';
import { chunkStartAt, inputHashesOf } from '../db/repositories/merge-plans.js';
import { insertRejectedRecords, type RejectedRecordRow } from '../db/repositories/rejected-records.js';
import { insertPreviews } from '../db/repositories/run-previews.js';
import { assertStagingKept } from '../db/repositories/staging-sentinels.js';
import { planChunkMerge, type ChunkMergeInput, type ChunkMergePlan, type ChunkReject, type StagedFragment, type StoredCustomerState } from '../merge/index.js';
import type { FlowStepPlan, RunTotals } from '../domain/run-types.js';
import type { SurvivorshipRules } from '../domain/survivorship.js';
import type { ActivityDeps } from './activity-deps.js';
import { heartbeat } from './heartbeat.js';

export interface MergeChunkInput {
  runId: string;
  steps: FlowStepPlan[];
  source: 'connector' | 'current';
  /** The chunk of the run's stored merge plan (see `planMerge`). */
  chunkIndex?: number;
  /** Runs planned before chunk boundaries were kept with the plan only: the id the chunk starts after ('' for the first). */
  afterCustomerId?: string;
  limit: number;
  /** Record what would be written as previews and write no customer. */
  dryRun?: boolean;
  /** Hold customers that would be created for review (flows with `reviewNewCustomers`) instead of creating them. */
  holdNew?: { flow: string };
  /** The flow's survivorship rules; absent: the latest step's value wins. */
  survivorship?: SurvivorshipRules;
}

export interface MergeChunkResult {
  totals: RunTotals;
}

/**
 * Merges and persists the next chunk of the run's merge set (ordered by id) in one
 * transaction: loads the chunk, plans it with {@link planChunkMerge}, writes the plan.
 * A chunk's outcome is stored with it, so a retry after commit returns the stored
 * outcome instead of merging again.
 */
export function mergeChunkActivity({ db, copyTransaction }: ActivityDeps) {
  return async function mergeChunk(input: MergeChunkInput): Promise<MergeChunkResult> {
    const { runId } = input;
    const after = input.chunkIndex === undefined ? input.afterCustomerId : await chunkStartAt(db, runId, input.chunkIndex);
    if (after === undefined) return { totals: { customers: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 } };
    const chunkStart = chunkStartOf(after);
    const done = await storedChunkOutcome(db, runId, chunkStart);
    if (done) return { totals: done.totals };
    const ids = await mergeSetChunk(db, runId, chunkStart, input.limit);
    if (ids.length === 0) return { totals: { customers: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 } };
    // A first import's customers are all new: they are not looked up by source id unless one turns out to exist.
    const merge = async (lookUpNew: boolean): Promise<MergeChunkResult> => {
      const loaded = await loadChunk(db, input, ids, lookUpNew);

      const attempt = async (refused: ReadonlyMap<string, string>): Promise<MergeChunkResult> => {
        const plan = planChunkMerge({
          ...loaded,
          refused,
          ...(input.holdNew ? { holdNew: true } : {}),
          ...(input.dryRun ? { previews: true } : {}),
          ...(input.survivorship ? { rules: input.survivorship, now: new Date().toISOString() } : {}),
        });
        const totals: RunTotals = { customers: ids.length, ...plan.totals, unchanged: plan.totals.unchanged + loaded.unchanged };
        const writes = customerWritesOf(runId, plan, loaded.current);
        // A cancelled chunk (another lane failed) writes nothing.
        Context.current().cancellationSignal.throwIfAborted();
        try {
          await copyTransaction(async (trx, copy) => {
            if (input.dryRun) await insertPreviews(trx, plan.previews.map((p) => ({ run_id: runId, customer_id: p.customerId, source_id: p.sourceId, change: p.change, diff: p.diff })));
            else {
              const readStates = plan.changes.flatMap((c) => (c.mergedFromHash ? [{ id: c.id, contentHash: c.mergedFromHash }] : []));
              const changed = await lockAndFindChanged(trx, readStates);
              if (changed.length > 0) {
                // Retried, the chunk merges from the customers as they are now.
                throw new Error(
                  `${changed.length} customer(s) changed while this chunk merged (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''}); merging the chunk again`,
                );
              }
              // Copied, a key taken meanwhile fails the chunk, which is merged again with every lookup and written without COPY.
              await writeCustomers(trx, writes, lookUpNew ? undefined : copy);
              await holdCustomers(trx, plan.held.map((h) => ({ ...h, flow: input.holdNew!.flow, sourceConnector: loaded.sourceConnector!, runId })));
            }
            await insertRejectedRecords(trx, plan.rejects.map((r) => rejectedRow(runId, r)));
            await assertStagingKept(trx, runId);
            await recordChunkOutcome(trx, runId, { start: chunkStart, end: ids[ids.length - 1]!, totals });
          });
        } catch (error) {
          // A key of a customer taken as new was taken meanwhile (an order run created it, say).
          if (!lookUpNew && isUniqueViolation(error)) return merge(true);
          if (!isDataException(error)) throw error;
          if (refused.size === 0) {
            const found = await refusedCustomers(db, writes);
            if (found.size > 0) return attempt(found);
          }
          const sourceIds = plan.changes.map((c) => c.sourceId);
          const named = sourceIds.slice(0, 10).join(', ') + (sourceIds.length > 10 ? `, … (${sourceIds.length} in all)` : '');
          throw new InputError(
            `the database refused a value of one of the customers ${named}: ${(error as Error).message} ` +
              `(SQLSTATE ${(error as { code: string }).code}); nothing of these customers was written`,
          );
        }
        return { totals };
      };
      return attempt(new Map());
    };
    return merge(false);
  };
}

/** What planning a chunk needs, read from the database, and how many of its customers are unchanged. */
type LoadedChunk = Omit<ChunkMergeInput, 'refused' | 'holdNew' | 'previews'> & { unchanged: number };

/**
 * Reads a chunk: customers whose contributions hash to what their stored state was merged from
 * are unchanged (merging is idempotent, so they are neither loaded nor merged again); the others
 * come with their staged fragments, stored state and external ids.
 */
async function loadChunk(db: ActivityDeps['db'], input: MergeChunkInput, ids: readonly string[], lookUpNew: boolean): Promise<LoadedChunk> {
  const { runId, steps } = input;
  const inputHashes = new Map<string, string>();
  const customerIds: string[] = [];
  const storedIds: string[] = [];
  let unchanged = 0;
  for (const row of await inputHashesOf(db, runId, steps, ids)) {
    if (row.stored_input_hash === row.input_hash) unchanged++;
    else {
      customerIds.push(row.customer_id);
      if (row.stored) storedIds.push(row.customer_id);
      inputHashes.set(row.customer_id, row.input_hash);
    }
  }
  const [staged, currentRows, knownIds] = await Promise.all([
    customerIds.length === 0 ? [] : stagedRecordsOf(db, runId, customerIds),
    currentCustomersOf(db, storedIds),
    externalIdsOf(db, storedIds),
  ]);
  const current = new Map(currentRows.map((c) => [c.id, c]));
  if (lookUpNew) for (const [id, adopted] of await createdMeanwhile(db, input, customerIds, current, staged)) current.set(id, adopted);
  const byCustomer = new Map<string, StagedFragment[]>();
  for (const row of staged) {
    if (row.record === null) {
      // Its stored state changed (another flow merged it) after this run staged it as unchanged: only a new run has its record.
      throw new InputError(`customer ${row.external_id} changed after this run staged it as unchanged; nothing of this chunk was written: run the flow again`);
    }
    let list = byCustomer.get(row.customer_id);
    if (!list) byCustomer.set(row.customer_id, (list = []));
    list.push({ stepIndex: row.step_index, externalId: row.external_id, record: row.record });
  }
  return {
    runId,
    steps,
    ...(input.source === 'connector' ? { sourceConnector: steps[0]!.connector } : {}),
    customerIds,
    staged: byCustomer,
    current: new Map([...current].map(([id, c]) => [id, storedState(c)])),
    knownExternalIds: new Set(knownIds.map((k) => `${k.connector}\u0000${k.external_id}`)),
    inputHashes,
    unchanged,
  };
}

function storedState(c: CurrentCustomer): StoredCustomerState {
  return { id: c.id, merged: c.merged, contentHash: c.content_hash, sourceConnector: c.source_connector, sourceId: c.source_id, createdRunId: c.created_run_id };
}

/**
 * A chunk plan's customers as the rows that write them: an updated customer's rows are replaced
 * only in the child tables where they changed (a renamed customer keeps its contact persons' rows).
 */
function customerWritesOf(runId: string, plan: ChunkMergePlan, current: ReadonlyMap<string, StoredCustomerState>): CustomerWrites {
  const writes = emptyCustomerWrites();
  writes.externalIds = plan.externalIds.map((e) => ({ connector: e.connector, external_id: e.externalId, customer_id: e.customerId, run_id: runId }));
  for (const c of plan.changes) {
    const meta = { sourceConnector: c.sourceConnector, sourceId: c.sourceId, contentHash: c.contentHash, mergedJson: c.mergedJson, inputHash: c.inputHash, runId, createdRunId: c.createdRunId };
    if (c.change === 'updated') addCustomerUpdate(writes, c.id, current.get(c.id)?.merged, c.merged, meta);
    else addCustomerWrite(writes, c.id, c.merged, meta);
    writes.changes.push({ run_id: runId, customer_id: c.id, change: c.change, diff: c.diff });
  }
  return writes;
}

function rejectedRow(runId: string, r: ChunkReject): RejectedRecordRow {
  return { run_id: runId, step_index: r.stepIndex, source: `customer ${r.externalId}`, line: 0, external_id: r.externalId, field: r.field, reason: r.reason };
}

/**
 * The customers of a chunk whose write the database refuses (a value too long for an index,
 * say), each with the reason: every customer's write is tried alone, in a transaction rolled
 * back whatever happens.
 */
async function refusedCustomers(db: ActivityDeps['db'], writes: CustomerWrites): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  for (const id of writes.customers.map((c) => c.id as string)) {
    heartbeat();
    try {
      await db.transaction().execute(async (trx) => {
        await writeCustomers(trx, customerWritesFor(writes, id));
        throw new ProbeRolledBack();
      });
    } catch (error) {
      if (error instanceof ProbeRolledBack) continue;
      if (!isDataException(error)) throw error;
      refused.set(id, `the database refused a value of this customer: ${(error as Error).message} (SQLSTATE ${(error as { code: string }).code}); the customer was left as it was`);
    }
  }
  return refused;
}

/** Ends a probing write's transaction without committing it. */
class ProbeRolledBack extends Error {}

/**
 * New customers of this chunk (no row under the id the match gave them) that another run
 * created meanwhile under its own id — an order run syncing the same customer, say: the
 * customer with the same source id. Merging then updates that customer instead of creating
 * a second one with the same source id.
 */
async function createdMeanwhile(
  db: ActivityDeps['db'],
  input: MergeChunkInput,
  toMerge: readonly string[],
  current: ReadonlyMap<string, CurrentCustomer>,
  staged: readonly StagedRecord[],
): Promise<Map<string, CurrentCustomer>> {
  const adopted = new Map<string, CurrentCustomer>();
  if (input.source !== 'connector') return adopted;
  const missing = new Set(toMerge.filter((id) => !current.has(id)));
  const sourceIdOf = new Map(staged.filter((r) => r.step_index === 0 && missing.has(r.customer_id)).map((r) => [r.external_id, r.customer_id]));
  for (const row of await customersBySourceIds(db, input.steps[0]!.connector, [...sourceIdOf.keys()])) adopted.set(sourceIdOf.get(row.source_id)!, row);
  return adopted;
}
