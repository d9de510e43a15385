import { sql, type Kysely, type Transaction } from 'kysely';
import type { WithheldCustomerReport } from '../../domain/run-types.js';
import { printableText } from '../../domain/storable-values.js';
import type { CopyRows } from '../copy-rows.js';
import type { Database } from '../database.js';
import { JsonText, rowsJson } from '../json-text.js';
import { SEQ_STRIDE } from '../staging-positions.js';
import { removeFromUnchangedPages, removeUnchangedPagesOf } from './unchanged-pages.js';

/** One customer fragment to stage, at its position in the step. */
export interface StagingRow {
  external_id: string;
  seq: number;
  /** The record; absent when its text is given. */
  record: unknown;
  /** The record's JSON text when already written (its jsonb text, for its hash): sent instead of the record serialized again. */
  record_text?: string;
  /** See `recordHash`. */
  record_hash: string;
  match_key: string | null;
  /** The customer, when it is known at staging (a stored customer's); else the match assigns it. */
  customer_id?: string;
  /** Whether the record names its customer itself (its `customerId`). Default false. */
  names_customer?: boolean;
}

/** The columns of a staged fragment, in the order they are written. */
const STAGING_COLUMNS = {
  run_id: 'text',
  step_index: 'integer',
  external_id: 'text',
  seq: 'bigint',
  record: 'jsonb',
  record_hash: 'text',
  match_key: 'text',
  customer_id: 'uuid',
};

/**
 * Stages fragments of a run's step; a fragment already staged at the same position is replaced
 * (retries are harmless). Unchanged customers are kept apart, a page at a time (`unchanged-pages.ts`).
 * Given `copy`, the fragments are copied in: a fragment already staged then fails the
 * transaction on the key (SQLSTATE 23505), and the caller stages the page again without `copy`.
 */
export async function stageFragments(
  db: Kysely<Database> | Transaction<Database>,
  runId: string,
  stepIndex: number,
  rows: readonly StagingRow[],
  copy?: CopyRows,
): Promise<void> {
  if (rows.length === 0) return;
  if (copy) {
    await copy('staging_records', STAGING_COLUMNS, stagingRecordsOf(runId, stepIndex, rows));
    return;
  }
  await sql`insert into staging_records (run_id, step_index, external_id, seq, record, record_hash, match_key, customer_id)
    select x.run_id, x.step_index, x.external_id, x.seq, x.record, x.record_hash, x.match_key, x.customer_id
    from jsonb_to_recordset(${rowsJson(stagingRecordsOf(runId, stepIndex, rows))}::jsonb)
      as x(run_id text, step_index integer, external_id text, seq bigint, record jsonb, record_hash text, match_key text, customer_id uuid)
    on conflict (run_id, step_index, external_id, seq)
    do update set record = excluded.record, record_hash = excluded.record_hash, match_key = excluded.match_key, customer_id = excluded.customer_id`.execute(db);
}

function stagingRecordsOf(runId: string, stepIndex: number, rows: readonly StagingRow[]): Record<keyof typeof STAGING_COLUMNS, unknown>[] {
  return rows.map((r) => ({
    run_id: runId,
    step_index: stepIndex,
    external_id: r.external_id,
    seq: r.seq,
    record: r.record_text === undefined ? r.record : new JsonText(r.record_text),
    record_hash: r.record_hash,
    match_key: r.match_key,
    customer_id: r.customer_id,
  }));
}

/**
 * Customers of an input (staging positions `[seqFrom, seqTo)`) left unstaged as unchanged that the
 * input names more than once, or in a row it rejected: their other row says they are not
 * unchanged after all, and the input must be staged whole.
 */
export async function unstagedCustomersNamedAgain(
  db: Kysely<Database>,
  scope: { runId: string; stepIndex: number; input: string; seqFrom: number; seqTo: number },
): Promise<number> {
  const { runId, stepIndex, seqFrom, seqTo } = scope;
  // One pass, grouped: staging has no fresh statistics yet, and a correlated lookup could be planned as a nested scan.
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from (
      select external_id from (
        select external_id, unchanged from staged_customers
        where run_id = ${runId} and step_index = ${stepIndex} and seq >= ${seqFrom} and seq < ${seqTo}
        union all
        select external_id, false from withheld_customers where run_id = ${runId} and step_index = ${stepIndex} and source = ${scope.input}
      ) named
      group by external_id having count(*) > 1 and bool_or(unchanged)) again`.execute(db);
  return rows[0]!.n;
}

/** Takes an input's staged rows (positions `[seqFrom, seqTo)`) out, to stage it again. */
export async function unstageInput(db: Kysely<Database>, scope: { runId: string; stepIndex: number; seqFrom: number; seqTo: number }): Promise<void> {
  const { runId, stepIndex, seqFrom, seqTo } = scope;
  await sql`delete from staging_records where run_id = ${runId} and step_index = ${stepIndex} and seq >= ${seqFrom} and seq < ${seqTo}`.execute(db);
  await removeUnchangedPagesOf(db, scope);
}

/** Where rejected rows of an input were found: the run's step, its connector and the input. */
export interface WithholdScope {
  runId: string;
  stepIndex: number;
  /** The step's connector (whether a customer is new is judged by its external ids). */
  connector: string;
  /** The input's name. */
  input: string;
}

/** A rejected row that names its customer. */
export interface RejectedRowOfCustomer {
  externalId: string;
  line: number;
  reason: string;
}

/**
 * Records the customers of rejected rows as withheld by the input, with their rejected lines
 * (in the same transaction as the rejects). Recording the same rows again changes nothing.
 * Texts quote what could not be stored, so a NUL in them shows as ␀. Rows are written in
 * external-id order: pages staged side by side that name the same customers wait for one
 * another and never deadlock.
 */
export async function recordWithheldCustomers(
  db: Kysely<Database> | Transaction<Database>,
  scope: WithholdScope,
  rows: readonly RejectedRowOfCustomer[],
): Promise<void> {
  if (rows.length === 0) return;
  const { runId, stepIndex, input } = scope;
  await sql`insert into withheld_customers as w (run_id, step_index, source, external_id, lines, is_new, reason)
    select ${runId}, ${stepIndex}, ${input}, x.external_id, x.lines, not exists (
        select 1 from external_ids e where e.connector = ${scope.connector} and e.external_id = x.external_id), x.reason
    from (select external_id, jsonb_agg(line order by line) as lines, (array_agg(reason order by line))[1] as reason
          from jsonb_to_recordset(${JSON.stringify(
            rows.map((r) => ({ external_id: printableText(r.externalId), line: r.line, reason: printableText(r.reason) })),
          )}::jsonb)
            as r(external_id text, line int, reason text)
          group by external_id) x
    order by x.external_id
    on conflict (run_id, step_index, source, external_id) do update set
      lines = (select jsonb_agg(distinct l.value order by l.value) from jsonb_array_elements(w.lines || excluded.lines) l),
      reason = case when (excluded.lines->>0)::int < (w.lines->>0)::int then excluded.reason else w.reason end`.execute(db);
}

/**
 * A customer with any rejected row in an input is left as it was by that input: once the whole
 * input is staged, its other rows there (staging positions `[seqFrom, seqTo)`) are taken out, so
 * nothing of it is added, changed or removed. Running it again changes nothing more.
 */
export async function withholdRejectedCustomers(db: Kysely<Database>, scope: WithholdScope & { seqFrom: number; seqTo: number }): Promise<void> {
  const { runId, stepIndex } = scope;
  await sql`delete from staging_records s using withheld_customers w
    where w.run_id = ${runId} and w.step_index = ${stepIndex} and w.source = ${scope.input}
      and s.run_id = ${runId} and s.step_index = ${stepIndex} and s.seq >= ${scope.seqFrom} and s.seq < ${scope.seqTo}
      and s.external_id = w.external_id`.execute(db);
}

/** A run's withheld customers (the first `limit`, in step, input and id order) and how many there are. */
export async function withheldCustomersOf(
  db: Kysely<Database>,
  runId: string,
  limit: number,
): Promise<{ count: number; sample: WithheldCustomerReport[] }> {
  const [count, rows] = await Promise.all([
    db.selectFrom('withheld_customers').select((eb) => eb.fn.countAll<string>().as('n')).where('run_id', '=', runId).executeTakeFirstOrThrow(),
    db
      .selectFrom('withheld_customers')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('step_index')
      .orderBy('source')
      .orderBy('external_id')
      .limit(limit)
      .execute(),
  ]);
  return {
    count: Number(count.n),
    sample: rows.map((r) => ({ stepIndex: r.step_index, source: r.source, externalId: r.external_id, lines: r.lines, isNew: r.is_new, reason: r.reason })),
  };
}

/**
 * Inputs of a step apply in order: a customer in the input staged from `seqFrom` on replaces
 * what earlier inputs of the same step said about it (a delta's record is the customer's whole
 * record), as if the inputs had been applied one run after another.
 */
export async function supersedeEarlierRecords(db: Kysely<Database>, scope: { runId: string; stepIndex: number; seqFrom: number }): Promise<void> {
  const { runId, stepIndex, seqFrom } = scope;
  const later = sql<{ external_id: string }>`select distinct external_id from staged_customers
    where run_id = ${runId} and step_index = ${stepIndex} and seq >= ${seqFrom} and seq < ${seqFrom + SEQ_STRIDE}`;
  await sql`delete from staging_records s using (${later}) later
    where s.run_id = ${runId} and s.step_index = ${stepIndex} and s.seq < ${seqFrom}
      and s.external_id = later.external_id`.execute(db);
  await removeFromUnchangedPages(db, { runId, stepIndex, seqBefore: seqFrom }, later);
}

/** Distinct customers (external ids) staged for a step, and the records it rejected so far. */
export async function stepStagingCounts(db: Kysely<Database>, runId: string, stepIndex: number): Promise<{ staged: number; rejected: number }> {
  const counts = await sql<{ staged: number; rejected: number }>`select
      (select count(distinct external_id) from staged_customers where run_id = ${runId} and step_index = ${stepIndex})::int as staged,
      (select count(*) from rejected_records where run_id = ${runId} and step_index = ${stepIndex})::int as rejected`.execute(db);
  return counts.rows[0]!;
}
