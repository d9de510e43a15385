import { Context } from '@temporalio/activity';
import { sql } from 'kysely';
import type { CustomerRecord } from '../domain/customer-record.js';
import { InputError } from '../connectors/input-error.js';
import { isDataException } from '../db/data-exception.js';
import { addCustomerWrite, emptyCustomerWrites, writeCustomers } from '../db/repositories/customer-writes.js';
import { holdCustomers, type HeldCustomer } from '../db/repositories/pending-customers.js';
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
import { inputHashesQuery } from './input-hashes.js';

export interface MergeChunkInput {
  runId: string;
  steps: FlowStepPlan[];
  source: 'connector' | 'current';
  /** Customers with an id greater than this are merged; '' for the first chunk. */
  afterCustomerId: string;
  limit: number;
  /** Take the chunk's customers from the run's merge set (see `planMerge`) instead of all staged customers. */
  fromMergeSet?: boolean;
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

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

interface CurrentCustomer {
  id: string;
  merged: MergedCustomer;
  content_hash: string;
  source_connector: string;
  source_id: string;
  created_run_id: string;
}

interface StagedRow {
  customer_id: string;
  step_index: number;
  external_id: string;
  record: CustomerRecord;
}

/**
 * Merges and persists the next chunk of the run's customers (ordered by id) in one
 * transaction. A chunk's outcome is stored with it, so a retry after commit returns
 * the stored outcome instead of merging again.
 */
export function mergeChunkActivity({ db }: ActivityDeps) {
  return async function mergeChunk(input: MergeChunkInput): Promise<MergeChunkResult> {
    const { runId, steps } = input;
    const chunkStart = input.afterCustomerId || NIL_UUID;
    const done = await db
      .selectFrom('sync_run_chunks')
      .selectAll()
      .where('run_id', '=', runId)
      .where('chunk_start', '=', chunkStart)
      .executeTakeFirst();
    if (done) {
      const { customers, created, updated, unchanged, rejected, held } = done;
      return { lastCustomerId: done.chunk_end, totals: { customers, created, updated, unchanged, rejected, ...(held > 0 ? { held } : {}) } };
    }

    const idRows = input.fromMergeSet
      ? await sql<{ customer_id: string }>`select customer_id from sync_run_merge_set
          where run_id = ${runId} and customer_id > ${chunkStart}::uuid
          order by customer_id limit ${input.limit}`.execute(db)
      : await sql<{ customer_id: string }>`select distinct customer_id from staging_records
          where run_id = ${runId} and customer_id > ${chunkStart}::uuid
          order by customer_id limit ${input.limit}`.execute(db);
    const ids = idRows.rows.map((r) => r.customer_id);
    const totals: RunTotals = { customers: ids.length, created: 0, updated: 0, unchanged: 0, rejected: 0 };
    if (ids.length === 0) return { totals };

    // Customers whose contributions hash to what their stored state was merged from are unchanged:
    // merging is idempotent, so they are neither loaded nor merged again.
    const summary = await inputHashesQuery(runId, steps, sql`s.customer_id = any(${ids}::uuid[])`).execute(db);
    const inputHashes = new Map<string, string>();
    const toMerge: string[] = [];
    for (const row of summary.rows) {
      if (row.stored_input_hash === row.input_hash) totals.unchanged++;
      else {
        toMerge.push(row.customer_id);
        inputHashes.set(row.customer_id, row.input_hash);
      }
    }

    const [staged, currentRows, knownIds] =
      toMerge.length === 0
        ? [{ rows: [] as StagedRow[] }, [], []]
        : await Promise.all([
            sql<StagedRow>`select customer_id, step_index, external_id, record from staging_records
              where run_id = ${runId} and customer_id = any(${toMerge}::uuid[])
              order by customer_id, step_index, seq`.execute(db),
            db
              .selectFrom('customers')
              .select(['id', 'merged', 'content_hash', 'source_connector', 'source_id', 'created_run_id'])
              .where('id', 'in', toMerge)
              .execute(),
            db.selectFrom('external_ids').select(['connector', 'external_id']).where('customer_id', 'in', toMerge).execute(),
          ]);
    const current = new Map(currentRows.map((c) => [c.id, c as unknown as CurrentCustomer]));
    for (const [id, adopted] of await createdMeanwhile(db, input, toMerge, current, staged.rows)) current.set(id, adopted);
    const known = new Set(knownIds.map((k) => `${k.connector}\u0000${k.external_id}`));
    const byCustomer = new Map<string, StagedRow[]>();
    for (const row of staged.rows) {
      let list = byCustomer.get(row.customer_id);
      if (!list) byCustomer.set(row.customer_id, (list = []));
      list.push(row);
    }

    const writes = emptyCustomerWrites();
    const held: HeldCustomer[] = [];
    const rejects: RejectedRecordRow[] = [];
    const previews: PreviewRow[] = [];
    const writtenSourceIds: string[] = [];
    const sourceConnector = input.source === 'connector' ? steps[0]!.connector : undefined;

    for (const id of toMerge) {
      let rows = byCustomer.get(id) ?? [];
      const existing = current.get(id);
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
          await writeCustomers(trx, writes);
          await holdCustomers(trx, held);
        }
        await insertRejectedRecords(trx, rejects);
        await trx
          .insertInto('sync_run_chunks')
          .values({ run_id: runId, chunk_start: chunkStart, chunk_end: ids[ids.length - 1]!, ...totals })
          .execute();
      });
    } catch (error) {
      if (!isDataException(error)) throw error;
      const named = writtenSourceIds.slice(0, 10).join(', ') + (writtenSourceIds.length > 10 ? `, … (${writtenSourceIds.length} in all)` : '');
      throw new InputError(
        `the database refused a value of one of the customers ${named}: ${(error as Error).message} ` +
          `(SQLSTATE ${(error as { code: string }).code}); nothing of these customers was written`,
      );
    }
    return { lastCustomerId: ids[ids.length - 1]!, totals };
  };
}

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
  staged: readonly StagedRow[],
): Promise<Map<string, CurrentCustomer>> {
  const adopted = new Map<string, CurrentCustomer>();
  if (input.source !== 'connector') return adopted;
  const missing = new Set(toMerge.filter((id) => !current.has(id)));
  const sourceIdOf = new Map(staged.filter((r) => r.step_index === 0 && missing.has(r.customer_id)).map((r) => [r.external_id, r.customer_id]));
  if (sourceIdOf.size === 0) return adopted;
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'merged', 'content_hash', 'source_connector', 'source_id', 'created_run_id'])
    .where('source_connector', '=', input.steps[0]!.connector)
    .where('source_id', 'in', [...sourceIdOf.keys()])
    .execute();
  for (const row of rows) adopted.set(sourceIdOf.get(row.source_id)!, row as unknown as CurrentCustomer);
  return adopted;
}
