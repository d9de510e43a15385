import { sql, type Kysely, type Transaction } from 'kysely';
import type { WithheldCustomerReport } from '../../domain/run-types.js';
import type { Database } from '../database.js';

/** One customer fragment to stage, at its position in the step. */
export interface StagingRow {
  external_id: string;
  seq: number;
  record: unknown;
  match_key: string | null;
}

/** Stages fragments of a run's step; a fragment already staged at the same position is replaced (retries are harmless). */
export async function stageFragments(
  db: Kysely<Database> | Transaction<Database>,
  runId: string,
  stepIndex: number,
  rows: readonly StagingRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`insert into staging_records (run_id, step_index, external_id, seq, record, record_hash, match_key)
    select ${runId}, ${stepIndex}, x.external_id, x.seq, x.record, md5(x.record::text), x.match_key
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(external_id text, seq bigint, record jsonb, match_key text)
    on conflict (run_id, step_index, external_id, seq)
    do update set record = excluded.record, record_hash = excluded.record_hash, match_key = excluded.match_key`.execute(db);
}

export interface WithholdScope {
  runId: string;
  stepIndex: number;
  /** The step's connector (whether a customer is new is judged by its external ids). */
  connector: string;
  /** The input's name: the `source` of its rejected records. */
  source: string;
  /** The input's staging positions, `[from, to)`. */
  seqFrom: number;
  seqTo: number;
}

/**
 * A customer with any rejected row in an input is left as it was by that input: its other
 * rows are taken out of staging (so nothing of it is added, changed or removed) and it is
 * recorded as withheld with its rejected lines. Running it again changes nothing more.
 *
 * @returns how many customers the input withheld
 */
export async function withholdRejectedCustomers(db: Kysely<Database>, scope: WithholdScope): Promise<number> {
  const { runId, stepIndex, source } = scope;
  const result = await sql<{ withheld: number }>`with rejected as (
      select external_id, jsonb_agg(line order by line) as lines, (array_agg(reason order by line))[1] as reason
      from rejected_records
      where run_id = ${runId} and step_index = ${stepIndex} and source = ${source} and external_id is not null and line > 0
      group by external_id
    ), recorded as (
      insert into withheld_customers (run_id, step_index, source, external_id, lines, is_new, reason)
      select ${runId}, ${stepIndex}, ${source}, r.external_id, r.lines,
        not exists (select 1 from external_ids e where e.connector = ${scope.connector} and e.external_id = r.external_id), r.reason
      from rejected r
      on conflict do nothing
      returning 1
    ), removed as (
      delete from staging_records s using rejected r
      where s.run_id = ${runId} and s.step_index = ${stepIndex} and s.seq >= ${scope.seqFrom} and s.seq < ${scope.seqTo}
        and s.external_id = r.external_id
      returning 1
    )
    select (select count(*) from withheld_customers where run_id = ${runId} and step_index = ${stepIndex} and source = ${source})::int
      + (select count(*) from recorded)::int as withheld`.execute(db);
  return result.rows[0]!.withheld;
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
