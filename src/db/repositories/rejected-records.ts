import type { Kysely, Transaction } from 'kysely';
import type { Database, RejectedRecordsTable } from '../database.js';
import { insertJsonRows } from '../json-rows.js';

export type RejectedRecordRow = Omit<RejectedRecordsTable, 'external_id' | 'field' | 'raw'> &
  Partial<Pick<RejectedRecordsTable, 'external_id' | 'field' | 'raw'>>;

/** Records rejected records; a record already recorded for the run (same step, source and line) is kept as it is. */
export async function insertRejectedRecords(
  db: Kysely<Database> | Transaction<Database>,
  rows: readonly RejectedRecordRow[],
): Promise<void> {
  await insertJsonRows(
    db,
    'rejected_records',
    {
      run_id: 'text',
      step_index: 'integer',
      source: 'text',
      line: 'integer',
      external_id: 'text',
      field: 'text',
      reason: 'text',
      raw: 'text',
    },
    rows,
    'nothing',
  );
}

/** A run's rejected records in file order, streamed in batches (a run may reject millions of rows). */
export async function* rejectedRecordsOf(
  db: Kysely<Database>,
  runId: string,
  batchSize = 10_000,
): AsyncGenerator<RejectedRecordsTable[], void, undefined> {
  let after: { step: number; source: string; line: number } | undefined;
  for (;;) {
    let query = db
      .selectFrom('rejected_records')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('step_index')
      .orderBy('source')
      .orderBy('line')
      .limit(batchSize);
    if (after) {
      const { step, source, line } = after;
      query = query.where((eb) => eb(eb.refTuple('step_index', 'source', 'line'), '>', eb.tuple(step, source, line)));
    }
    const rows = await query.execute();
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1]!;
    after = { step: last.step_index, source: last.source, line: last.line };
  }
}
