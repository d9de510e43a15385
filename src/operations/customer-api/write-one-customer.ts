import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { checkDuplicatesIn } from '../../activities/check-duplicates.js';
import { isDataException } from '../../db/data-exception.js';
import type { Database } from '../../db/database.js';
import { queuePushes } from '../../db/repositories/customer-pushes.js';
import { customerForUpdate, customerForUpdateByExternalId, lockCustomerKey } from '../../db/repositories/customer-locks.js';
import { restoreCustomer } from '../../db/repositories/customer-lifecycle-changes.js';
import { addCustomerUpdate, addCustomerWrite, emptyCustomerWrites, writeCustomers } from '../../db/repositories/customer-writes.js';
import type { CustomerRow } from '../../db/repositories/customers.js';
import type { Aspect, CustomerRecord } from '../../domain/customer-record.js';
import type { SurvivorshipRules } from '../../domain/survivorship.js';
import { contentHash, diffCustomers, mergeCustomer, MergeConflictError, type MergedCustomer } from '../../merge/index.js';
import { wakePushTarget } from '../../temporal/wake-workflows.js';
import { OperationError } from '../../domain/operation-error.js';
import type { OperationDeps } from '../operation-deps.js';
import { actorOf, newWriteId, type ApiWriter } from './api-writer.js';
import { etagMatches } from './customer-etag.js';
import { pushTargetsExcept } from './push-targets.js';

/** Which customer a write is about. */
export type WriteTarget =
  /** An existing customer by id. */
  | { id: string }
  /** A connector's external id: the customer it belongs to, or (upsert, create) a new one with it as source id. */
  | { connector: string; externalId: string };

/** One write of one customer through the API. */
export interface CustomerWrite {
  writer: ApiWriter;
  target: WriteTarget;
  /** `upsert`: create or update; `create`: refuse an existing customer (409); `update`: refuse a missing one (404). */
  mode: 'upsert' | 'create' | 'update';
  /** The connector the values are attributed to; default the writer's system. */
  connector?: string;
  /** The writer's record, given the customer's current state (undefined: not stored yet). */
  recordFor(existing: CustomerRow | undefined): CustomerRecord;
  /** The aspects the record speaks for; default those it has. */
  aspects?(record: CustomerRecord): readonly Aspect[];
  /** An `If-Match` value: the write happens only while the customer's entity tag matches (412 otherwise). */
  ifMatch?: string;
  /** `If-None-Match: *`: the write happens only while there is no such customer (412 otherwise): a create-only upsert. */
  ifNoneMatchAny?: boolean;
}

/** What a write did. */
export interface CustomerWriteResult {
  status: 'created' | 'updated' | 'unchanged';
  /** Whether a deleted or missing customer came back (an upsert of it). */
  restored: boolean;
  customer: CustomerRow;
  /** The write's id: the `runId` of the values it set and of its change-log entry. */
  writeId: string;
  /** Push targets the change was queued for. */
  queuedFor: string[];
}

const RETRIED_SQLSTATES = new Set(['40001', '40P01']);

/**
 * Writes one customer as a connector's record, exactly as a run's merge would: the merge rules
 * decide each value and its provenance, an effective change is logged (with the writer as actor)
 * and queued for every push target except the writing connector (no echo), and a write that
 * changes no value writes nothing. Writes of one customer are serialized; all or nothing.
 */
export async function writeOneCustomer(
  deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  write: CustomerWrite,
): Promise<CustomerWriteResult> {
  const connector = write.connector ?? write.writer.system;
  const targets = pushTargetsExcept(deps.config, connector);
  for (let attempt = 1; ; attempt++) {
    try {
      const duplicates = deps.config.api.duplicates;
      const result = await deps.db.transaction().execute(async (trx) => {
        const written = await writeInTransaction(trx, write, connector, targets, deps.config.api.survivorship);
        if (duplicates && written.status !== 'unchanged') await checkDuplicatesIn(trx, [written.customer.id], duplicates.keys, written.writeId);
        return written;
      });
      for (const target of result.queuedFor) {
        // Queued durably above: a target not woken now is woken by the next change or `push retry`.
        await wakePushTarget(deps.client, deps.temporal.taskQueue, target, deps.config.push).catch(() => undefined);
      }
      return result;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt < 5 && code !== undefined && RETRIED_SQLSTATES.has(code)) continue;
      if (isDataException(error)) {
        throw new OperationError('invalid', `the database refused a value: ${(error as Error).message} (SQLSTATE ${code}); nothing was written`, 'value-refused');
      }
      throw error;
    }
  }
}


async function writeInTransaction(trx: Transaction<Database>, write: CustomerWrite, connector: string, targets: string[], rules: SurvivorshipRules | undefined): Promise<CustomerWriteResult> {
  const writeId = newWriteId(connector);
  const byKey = 'externalId' in write.target ? write.target : undefined;
  const existing = await survivorLocked(trx, byKey ? await lockedByKey(trx, byKey) : await customerForUpdate(trx, (write.target as { id: string }).id));
  const id = existing?.id ?? ('id' in write.target ? write.target.id : undefined);
  const described = byKey ? `${byKey.connector} customer ${byKey.externalId}` : `customer ${id}`;
  if (!existing && (write.mode === 'update' || !byKey)) throw new OperationError('not-found', `no ${described}`);
  if (existing && write.mode === 'create') {
    throw new OperationError('conflict', `${described} exists already (customer ${existing.id}); update it with PUT or PATCH`, 'customer-exists');
  }
  if (write.ifNoneMatchAny && existing) {
    throw new OperationError('precondition-failed', `${described} exists already (customer ${existing.id}) and If-None-Match: * asks to create it only; nothing was written`);
  }
  if (write.ifMatch !== undefined && (!existing || !etagMatches(write.ifMatch, existing))) {
    throw new OperationError('precondition-failed', `${described} has changed since it was read (If-Match ${write.ifMatch}); read it again and retry`);
  }
  if (existing?.deleted_at && write.mode === 'update') {
    throw new OperationError('conflict', `${described} is deleted; upsert it (PUT) to bring it back`, 'customer-deleted');
  }

  const record = write.recordFor(existing);
  const sourceId = existing?.source_id ?? byKey!.externalId;
  if (byKey && record.externalId !== byKey.externalId) {
    throw new OperationError('invalid', `externalId: the record says "${record.externalId}" but the path names source id "${byKey.externalId}"; a source id never changes`, 'source-id-immutable');
  }
  if (record.customerId !== undefined && existing && record.customerId !== existing.id) {
    throw new OperationError('invalid', `customerId: the record names customer ${record.customerId} but ${described} is customer ${existing.id}`, 'customer-id-mismatch');
  }
  const aspects = write.aspects?.(record) ?? (Object.keys(record).filter((k) => k !== 'externalId' && k !== 'type' && k !== 'customerId') as Aspect[]);
  let merged: MergedCustomer;
  try {
    merged = mergeCustomer(existing?.merged, [{ connector, aspects, record }], writeId, rules ? { rules, now: new Date().toISOString() } : {});
  } catch (error) {
    if (error instanceof MergeConflictError) throw new OperationError('invalid', `${error.field ?? 'type'}: ${error.message}`, 'type-conflict');
    throw error;
  }

  const author = { writeId, actor: actorOf(write.writer) };
  const restored = existing !== undefined && (existing.deleted_at !== null || existing.missing_since !== null);
  // Logged under its own id: the change log keeps one entry per customer and write.
  if (restored) await restoreCustomer(trx, existing.id, { ...author, writeId: `${writeId}/restore` });
  const hash = contentHash(merged);
  const diff = existing ? diffCustomers(existing.merged, merged) : [];
  if (existing && (existing.content_hash === hash || diff.length === 0)) {
    // No value changed. Provenance that moved to the writer (it now supplies a value it repeats) is kept, silently.
    const customer =
      existing.content_hash !== hash
        ? await persist(trx, existing.id, merged, hash, existing, sourceId, connector, writeId, undefined)
        : restored
          ? (await customerForUpdate(trx, existing.id))!
          : existing;
    return { status: 'unchanged', restored, customer, writeId, queuedFor: [] };
  }
  const customerId = existing?.id ?? randomUUID();
  const customer = await persist(trx, customerId, merged, hash, existing, sourceId, byKey?.connector ?? connector, writeId, {
    run_id: writeId,
    customer_id: customerId,
    change: existing ? 'updated' : 'created',
    diff,
    actor: author.actor,
  });
  for (const target of targets) await queuePushes(trx, target, [customerId], writeId);
  return { status: existing ? 'updated' : 'created', restored, customer, writeId, queuedFor: targets };
}

/** A customer merged into another is written as that one (locked too). */
async function survivorLocked(trx: Transaction<Database>, customer: CustomerRow | undefined): Promise<CustomerRow | undefined> {
  let current = customer;
  for (let hops = 0; current?.merged_into && hops < 100; hops++) current = await customerForUpdate(trx, current.merged_into);
  return current;
}

/** The customer of a connector's external id, locked; when there is none, creations of that key wait for each other. */
async function lockedByKey(trx: Transaction<Database>, key: { connector: string; externalId: string }): Promise<CustomerRow | undefined> {
  const found = await customerForUpdateByExternalId(trx, key.connector, key.externalId);
  if (found) return found;
  // The later of two creations finds the earlier's customer once it has the lock.
  await lockCustomerKey(trx, JSON.stringify([key.connector, key.externalId]));
  return customerForUpdateByExternalId(trx, key.connector, key.externalId);
}

async function persist(
  trx: Transaction<Database>,
  customerId: string,
  merged: MergedCustomer,
  hash: string,
  existing: CustomerRow | undefined,
  sourceId: string,
  connector: string,
  writeId: string,
  change: ReturnType<typeof emptyCustomerWrites>['changes'][number] | undefined,
): Promise<CustomerRow> {
  const writes = emptyCustomerWrites();
  const meta = {
    sourceConnector: existing?.source_connector ?? connector,
    sourceId,
    contentHash: hash,
    inputHash: existing?.input_hash ?? null,
    runId: change ? writeId : existing!.updated_run_id,
    createdRunId: existing?.created_run_id ?? writeId,
  };
  if (existing) {
    // Only the tables of what changed are rewritten, and links only when its relations did.
    writes.relink = addCustomerUpdate(writes, customerId, existing.merged, merged, meta).has('customer_relations');
  } else addCustomerWrite(writes, customerId, merged, meta);
  if (!existing) writes.externalIds.push({ connector, external_id: sourceId, customer_id: customerId, run_id: writeId });
  if (change) writes.changes.push(change);
  writes.returnRows = true;
  const [row] = await writeCustomers(trx, writes);
  // Resolving parent links may have changed the row since it was written.
  return writes.relink === false ? row! : (await customerForUpdate(trx, customerId))!;
}
