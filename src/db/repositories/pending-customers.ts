import { sql, type Kysely, type Transaction } from 'kysely';
import type { MergedCustomer } from '../../merge/index.js';
import type { Database } from '../database.js';
import { addCustomerWrite, emptyCustomerWrites, writeCustomers } from './customer-writes.js';

/** A new customer a run holds for review instead of creating it. */
export interface HeldCustomer {
  flow: string;
  sourceConnector: string;
  sourceId: string;
  merged: MergedCustomer;
  contentHash: string;
  /** What the customer is, without provenance (see `valuesHash`): a rejected customer stays rejected while it is equal. */
  valuesHash: string;
  inputHash: string;
  runId: string;
}

/** A held customer as `review list` and `review show` present it. */
export interface PendingCustomer {
  flow: string;
  sourceConnector: string;
  sourceId: string;
  status: 'pending' | 'approved' | 'rejected';
  heldRunId: string;
  firstHeldRunId: string;
  heldAt: Date;
  decidedAt: Date | null;
  /** Who approved or rejected it. */
  decidedBy: string | null;
  customerId: string | null;
  merged: MergedCustomer;
  /** What was held before a later file held it again with other data. */
  previous?: { merged: MergedCustomer; heldRunId: string };
}

/** Codes a review decision cannot apply to, and why. */
export class ReviewDecisionError extends Error {
  override readonly name = 'ReviewDecisionError';
}

/**
 * Holds (or holds again, with the newer data) customers a flow would have created.
 * A rejected customer stays rejected while its data is unchanged; new data puts it up
 * for review again.
 */
export async function holdCustomers(trx: Transaction<Database>, held: HeldCustomer[]): Promise<void> {
  if (held.length === 0) return;
  await trx
    .insertInto('pending_customers')
    .values(
      held.map((h) => ({
        flow: h.flow,
        source_connector: h.sourceConnector,
        source_id: h.sourceId,
        status: 'pending' as const,
        merged: JSON.stringify(h.merged),
        content_hash: h.contentHash,
        values_hash: h.valuesHash,
        input_hash: h.inputHash,
        held_run_id: h.runId,
        first_held_run_id: h.runId,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['flow', 'source_id']).doUpdateSet({
        source_connector: (eb) => eb.ref('excluded.source_connector'),
        merged: (eb) => eb.ref('excluded.merged'),
        input_hash: (eb) => eb.ref('excluded.input_hash'),
        held_run_id: (eb) => eb.ref('excluded.held_run_id'),
        held_at: sql`now()`,
        previous_merged: sql`case when pending_customers.values_hash is distinct from excluded.values_hash
          then pending_customers.merged else pending_customers.previous_merged end`,
        previous_held_run_id: sql`case when pending_customers.values_hash is distinct from excluded.values_hash
          then pending_customers.held_run_id else pending_customers.previous_held_run_id end`,
        decided_by: sql`case when pending_customers.status = 'rejected' and pending_customers.values_hash = excluded.values_hash
          then pending_customers.decided_by else null end`,
        status: sql`case when pending_customers.status = 'rejected' and pending_customers.values_hash = excluded.values_hash
          then 'rejected' else 'pending' end`,
        decided_at: sql`case when pending_customers.status = 'rejected' and pending_customers.values_hash = excluded.values_hash
          then pending_customers.decided_at else null end`,
        customer_id: sql`null`,
        content_hash: (eb) => eb.ref('excluded.content_hash'),
        values_hash: (eb) => eb.ref('excluded.values_hash'),
      }),
    )
    .execute();
}

/** Held customers, oldest first: those with `status` (default pending), of one flow or all. */
export async function listPendingCustomers(
  db: Kysely<Database>,
  options: { flow?: string; status?: PendingCustomer['status']; sourceIds?: string[]; limit?: number } = {},
): Promise<PendingCustomer[]> {
  let query = db.selectFrom('pending_customers').selectAll().orderBy('held_at').orderBy('source_id');
  if (options.limit !== undefined) query = query.limit(options.limit);
  if (options.flow) query = query.where('flow', '=', options.flow);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.sourceIds) query = query.where('source_id', 'in', options.sourceIds.length > 0 ? options.sourceIds : ['']);
  const rows = await query.execute();
  return rows.map((r) => ({
    flow: r.flow,
    sourceConnector: r.source_connector,
    sourceId: r.source_id,
    status: r.status,
    heldRunId: r.held_run_id,
    firstHeldRunId: r.first_held_run_id,
    heldAt: r.held_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    customerId: r.customer_id,
    merged: r.merged,
    ...(r.previous_merged && r.previous_held_run_id ? { previous: { merged: r.previous_merged, heldRunId: r.previous_held_run_id } } : {}),
  }));
}

async function pendingFor(trx: Transaction<Database>, flow: string, codes: string[]) {
  const rows = await trx
    .selectFrom('pending_customers')
    .selectAll()
    .where('flow', '=', flow)
    .where('source_id', 'in', codes)
    .forUpdate()
    .execute();
  const byCode = new Map(rows.map((r) => [r.source_id, r]));
  const problems = codes.flatMap((code) => {
    const row = byCode.get(code);
    if (!row) return [`${code} is not held for review in flow ${flow}`];
    if (row.status !== 'pending') return [`${code} was already ${row.status}${row.decided_by ? ` by ${row.decided_by}` : ''}${row.decided_at ? ` at ${row.decided_at.toISOString()}` : ''}`];
    return [];
  });
  if (problems.length > 0) throw new ReviewDecisionError(`nothing was changed: ${problems.join('; ')}`);
  return codes.map((code) => byCode.get(code)!);
}

/**
 * Creates held customers exactly as the run that held them would have: the same id,
 * content, item provenance and change-log entry (under that run). All or nothing.
 *
 * @returns the created customers' ids by code
 * @throws ReviewDecisionError naming every code that is not pending, or already a customer
 */
export async function approvePendingCustomers(db: Kysely<Database>, flow: string, codes: string[], decidedBy: string): Promise<Map<string, string>> {
  return db.transaction().execute(async (trx) => {
    const rows = await pendingFor(trx, flow, codes);
    const existing = await trx
      .selectFrom('external_ids')
      .select(['connector', 'external_id'])
      .where((eb) => eb.or(rows.map((r) => eb.and([eb('connector', '=', r.source_connector), eb('external_id', '=', r.source_id)]))))
      .execute();
    if (existing.length > 0) {
      throw new ReviewDecisionError(
        `nothing was changed: ${existing.map((e) => `${e.external_id} is already a customer (connector ${e.connector})`).join('; ')}; reject it instead`,
      );
    }
    const writes = emptyCustomerWrites();
    const created = new Map<string, string>();
    for (const row of rows) {
      // The id the holding run would have given it.
      const { rows: idRows } = await sql<{ id: string }>`select md5(${row.held_run_id} || '/' || ${row.source_id})::uuid as id`.execute(trx);
      const id = idRows[0]!.id;
      addCustomerWrite(writes, id, row.merged, {
        sourceConnector: row.source_connector,
        sourceId: row.source_id,
        contentHash: row.content_hash,
        inputHash: row.input_hash,
        runId: row.held_run_id,
        createdRunId: row.held_run_id,
      });
      writes.externalIds.push({ connector: row.source_connector, external_id: row.source_id, customer_id: id, run_id: row.held_run_id });
      writes.changes.push({ run_id: row.held_run_id, customer_id: id, change: 'created', diff: [], actor: decidedBy });
      created.set(row.source_id, id);
    }
    await writeCustomers(trx, writes);
    for (const [code, id] of created) {
      await trx
        .updateTable('pending_customers')
        .set({ status: 'approved', decided_at: new Date(), decided_by: decidedBy, customer_id: id })
        .where('flow', '=', flow)
        .where('source_id', '=', code)
        .execute();
    }
    return created;
  });
}

/**
 * Rejects held customers: they are not created. They stay rejected until a file brings
 * different data for them. All or nothing.
 *
 * @throws ReviewDecisionError naming every code that is not pending
 */
export async function rejectPendingCustomers(db: Kysely<Database>, flow: string, codes: string[], decidedBy: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await pendingFor(trx, flow, codes);
    await trx
      .updateTable('pending_customers')
      .set({ status: 'rejected', decided_at: new Date(), decided_by: decidedBy })
      .where('flow', '=', flow)
      .where('source_id', 'in', codes)
      .execute();
  });
}

/** Customers pending review per flow. */
export async function pendingCountsByFlow(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('pending_customers')
    .select(['flow', (eb) => eb.fn.countAll<string>().as('n')])
    .where('status', '=', 'pending')
    .groupBy('flow')
    .execute();
  return new Map(rows.map((r) => [r.flow, Number(r.n)]));
}

/** Customers a run was the first to hold for review that are still pending (held again by a later run, they are not new). */
export async function heldCountOfRun(db: Kysely<Database>, runId: string): Promise<number> {
  const row = await db
    .selectFrom('pending_customers')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('first_held_run_id', '=', runId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
