import { Context } from '@temporalio/activity';
import type { CustomerRecord } from '../domain/customer-record.js';
import { InputError } from '../connectors/input-error.js';
import { isDataException } from '../db/data-exception.js';
import { addCustomerWrite, customerWritesFor, emptyCustomerWrites, writeCustomers, type CustomerWrites } from '../db/repositories/customer-writes.js';
import { holdCustomers, type HeldCustomer } from '../db/repositories/pending-customers.js';
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
import { inputHashesOf } from '../db/repositories/merge-plans.js';
import { insertRejectedRecords, type RejectedRecordRow } from '../db/repositories/rejected-records.js';
import { insertPreviews, type PreviewRow } from '../db/repositories/run-previews.js';
import {
  combineFragments,
  contentHash,
  diffCustomers,
  mergeCustomer,
  MergeConflictError,
  type MergedCustomer,
  type StepContribution,
  valuesHash,
} from '../merge/index.js';
import type { FlowStepPlan, RunTotals } from '../domain/run-types.js';
import type { ActivityDeps } from './activity-deps.js';

export interface MergeChunkInput {
  runId: string;
  steps: FlowStepPlan[];
  source: 'connector' | 'current';
  /** Customers with an id greater than this are merged; '' for the first chunk. */
  afterCustomerId: string;
  limit: number;
  /** Always true: a chunk's customers come from the run's merge set (see `planMerge`). */
  fromMergeSet?: true;
  /** Record what would be written as previews and write no customer. */
  dryRun?: boolean;
  /** Hold customers that would be created for review (flows with `reviewNewCustomers`) instead of creating them. */
  holdNew?: { flow: string };
}

export interface MergeChunkResult {
  /** The last customer id of this chunk; absent when there was nothing left. */
  lastCustomerId?: string;
  totals: RunTotals;
}

/**
 * Merges and persists the next chunk of the run's customers (ordered by id) in one
 * transaction. A chunk's outcome is stored with it, so a retry after commit returns
 * the stored outcome instead of merging again.
 */
export function mergeChunkActivity({ db }: ActivityDeps) {
  return async function mergeChunk(input: MergeChunkInput): Promise<MergeChunkResult> {
    const { runId, steps } = input;
    const chunkStart = chunkStartOf(input.afterCustomerId);
    const done = await storedChunkOutcome(db, runId, chunkStart);
    if (done) return done;

    const attempt = async (refused: ReadonlyMap<string, string>): Promise<MergeChunkResult> => {
      const ids = await mergeSetChunk(db, runId, chunkStart, input.limit);
      const totals: RunTotals = { customers: ids.length, created: 0, updated: 0, unchanged: 0, rejected: 0 };
      if (ids.length === 0) return { totals };

      // Customers whose contributions hash to what their stored state was merged from are unchanged:
      // merging is idempotent, so they are neither loaded nor merged again.
      const inputHashes = new Map<string, string>();
      const toMerge: string[] = [];
      for (const row of await inputHashesOf(db, runId, steps, ids)) {
        if (row.stored_input_hash === row.input_hash) totals.unchanged++;
        else {
          toMerge.push(row.customer_id);
          inputHashes.set(row.customer_id, row.input_hash);
        }
      }

      const [staged, currentRows, knownIds] = await Promise.all([
        toMerge.length === 0 ? [] : stagedRecordsOf(db, runId, toMerge),
        currentCustomersOf(db, toMerge),
        externalIdsOf(db, toMerge),
      ]);
      const current = new Map(currentRows.map((c) => [c.id, c]));
      for (const [id, adopted] of await createdMeanwhile(db, input, toMerge, current, staged)) current.set(id, adopted);
      const known = new Set(knownIds.map((k) => `${k.connector}\u0000${k.external_id}`));
      const byCustomer = new Map<string, StagedRecord[]>();
      for (const row of staged) {
        let list = byCustomer.get(row.customer_id);
        if (!list) byCustomer.set(row.customer_id, (list = []));
        list.push(row);
      }

      const writes = emptyCustomerWrites();
      const held: HeldCustomer[] = [];
      const rejects: RejectedRecordRow[] = [];
      const previews: PreviewRow[] = [];
      const writtenSourceIds: string[] = [];
      const readStates: { id: string; contentHash: string }[] = [];
      const sourceConnector = input.source === 'connector' ? steps[0]!.connector : undefined;

      for (const id of toMerge) {
        let rows = byCustomer.get(id) ?? [];
        const existing = current.get(id);
        const refusal = refused.get(id);
        if (refusal) {
          // The database refuses a value of this customer: it is left as it was, the rest of the chunk is written.
          const externalId = rows.find((r) => r.step_index === 0)?.external_id ?? existing?.source_id ?? rows[0]?.external_id ?? id;
          totals.rejected++;
          rejects.push({ run_id: runId, step_index: 0, source: `customer ${externalId}`, line: 0, external_id: externalId, field: null, reason: refusal });
          continue;
        }
        let sourceConflict = false;
        const contributions: StepContribution[] = steps.map((step, index) => {
          const fragments = rows.filter((r) => r.step_index === index).map((r) => r.record);
          let record: CustomerRecord | undefined;
          try {
            record = fragments.length > 0 ? combineFragments(fragments) : undefined;
          } catch (error) {
            if (!(error instanceof MergeConflictError)) throw error;
            // One id as a person and a company in one step: rejected, never merged.
            totals.rejected++;
            rejects.push({ run_id: runId, step_index: index, source: `customer ${error.externalId}`, line: 0, external_id: error.externalId, field: error.field, reason: error.message });
            if (index === 0 && sourceConnector) sourceConflict = true;
            rows = rows.filter((r) => r.step_index !== index);
          }
          return { connector: step.connector, aspects: step.aspects, record };
        });
        if (sourceConflict) continue;
        const sourceRecord = sourceConnector ? contributions[0]!.record : undefined;
        if (!existing && !sourceRecord) continue;

        let merged: MergedCustomer | undefined;
        while (!merged) {
          try {
            merged = mergeCustomer(existing?.merged, contributions, runId);
          } catch (error) {
            if (!(error instanceof MergeConflictError)) throw error;
            // An enrichment record that contradicts the customer is rejected; the rest still merges.
            const culprit = contributions.findIndex(
              (c, i) => c.record && c.connector === error.connector && steps[i]!.role === 'enrichment',
            );
            const row = rows.find((r) => r.step_index === (culprit >= 0 ? culprit : 0)) ?? rows[0]!;
            totals.rejected++;
            rejects.push({
              run_id: runId,
              step_index: row.step_index,
              source: `customer ${row.external_id}`,
              line: 0,
              external_id: row.external_id,
              field: error.field,
              reason: error.message,
            });
            if (culprit < 0) break;
            contributions[culprit] = { ...contributions[culprit]!, record: undefined };
            rows = rows.filter((r) => r.step_index !== culprit);
          }
        }
        if (!merged) continue;

        if (!existing && input.holdNew) {
          // A new customer waits for the data team's review instead of being created.
          totals.held = (totals.held ?? 0) + 1;
          const sourceId = sourceRecord!.externalId;
          held.push({
            flow: input.holdNew.flow,
            sourceConnector: sourceConnector!,
            sourceId,
            merged,
            contentHash: contentHash(merged),
            valuesHash: valuesHash(merged),
            inputHash: inputHashes.get(id)!,
            runId,
          });
          if (input.dryRun) previews.push({ run_id: runId, customer_id: id, source_id: sourceId, change: 'hold', diff: diffCustomers(undefined, merged) });
          continue;
        }

        // A customer another run created meanwhile (an order run, say) is updated under its id.
        const target = existing?.id ?? id;
        for (const row of rows) {
          const connector = steps[row.step_index]!.connector;
          const key = `${connector}\u0000${row.external_id}`;
          if (!known.has(key)) {
            known.add(key);
            writes.externalIds.push({ connector, external_id: row.external_id, customer_id: target, run_id: runId });
          }
        }

        const hash = contentHash(merged);
        if (existing && existing.content_hash === hash) {
          totals.unchanged++;
          continue;
        }
        if (existing) {
          totals.updated++;
          writes.updatedIds.push(target);
          readStates.push({ id: target, contentHash: existing.content_hash });
        } else {
          totals.created++;
        }
        writtenSourceIds.push(existing?.source_id ?? sourceRecord!.externalId);
        addCustomerWrite(writes, target, merged, {
          sourceConnector: existing?.source_connector ?? sourceConnector!,
          sourceId: existing?.source_id ?? sourceRecord!.externalId,
          contentHash: hash,
          inputHash: inputHashes.get(id)!,
          runId,
          createdRunId: existing?.created_run_id ?? runId,
        });
        if (input.dryRun) {
          previews.push({
            run_id: runId,
            customer_id: target,
            source_id: existing?.source_id ?? sourceRecord!.externalId,
            change: existing ? 'update' : 'create',
            diff: diffCustomers(existing?.merged, merged),
          });
        }
        writes.changes.push({
          run_id: runId,
          customer_id: target,
          change: existing ? 'updated' : 'created',
          // A created customer's content is the customer itself; only updates carry a field diff.
          diff: existing ? diffCustomers(existing.merged, merged) : [],
        });
      }

      // A cancelled chunk (another lane failed) writes nothing.
      Context.current().cancellationSignal.throwIfAborted();
      try {
        await db.transaction().execute(async (trx) => {
          if (input.dryRun) await insertPreviews(trx, previews);
          else {
            const changed = await lockAndFindChanged(trx, readStates);
            if (changed.length > 0) {
              // Retried, the chunk merges from the customers as they are now.
              throw new Error(
                `${changed.length} customer(s) changed while this chunk merged (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''}); merging the chunk again`,
              );
            }
            await writeCustomers(trx, writes);
            await holdCustomers(trx, held);
          }
          await insertRejectedRecords(trx, rejects);
          await recordChunkOutcome(trx, runId, { start: chunkStart, end: ids[ids.length - 1]!, totals });
        });
      } catch (error) {
        if (!isDataException(error)) throw error;
        if (refused.size === 0) {
          const found = await refusedCustomers(db, writes);
          if (found.size > 0) return attempt(found);
        }
        const named = writtenSourceIds.slice(0, 10).join(', ') + (writtenSourceIds.length > 10 ? `, … (${writtenSourceIds.length} in all)` : '');
        throw new InputError(
          `the database refused a value of one of the customers ${named}: ${(error as Error).message} ` +
            `(SQLSTATE ${(error as { code: string }).code}); nothing of these customers was written`,
        );
      }
      return { lastCustomerId: ids[ids.length - 1]!, totals };
    };
    return attempt(new Map());
  };
}

/**
 * The customers of a chunk whose write the database refuses (a value too long for an index,
 * say), each with the reason: every customer's write is tried alone, in a transaction rolled
 * back whatever happens.
 */
async function refusedCustomers(db: ActivityDeps['db'], writes: CustomerWrites): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  for (const id of writes.customers.map((c) => c.id as string)) {
    Context.current().heartbeat();
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
