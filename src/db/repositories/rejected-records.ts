import type { Kysely, Transaction } from 'kysely';
import type { Database, RejectedRecordsTable } from '../database.js';
import { printableText } from '../../domain/storable-values.js';
import { insertJsonRows } from '../json-rows.js';

export type RejectedRecordRow = Omit<RejectedRecordsTable, 'external_id' | 'field' | 'raw'> &
  Partial<Pick<RejectedRecordsTable, 'external_id' | 'field' | 'raw'>>;

/**
 * Records rejected records; a record already recorded for the run (same step, source and line) is kept as it is.
 * Their texts quote what could not be stored, so a NUL in them shows as ␀.
 */
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
    rows.map((r) => ({
      ...r,
      source: printableText(r.source),
      external_id: r.external_id == null ? r.external_id : printableText(r.external_id),
      field: r.field == null ? r.field : printableText(r.field),
      reason: printableText(r.reason),
      raw: r.raw == null ? r.raw : printableText(r.raw),
    })),
    'nothing',
  );
}

/** A rejected record with what became of its customer: `not updated`, `not created`, or '' (no customer named). */
export type RejectedRecordWithOutcome = RejectedRecordsTable & { customer_outcome: '' | 'not updated' | 'not created' };

/** A run's rejected records in file order, streamed in batches (a run may reject millions of rows). */
export async function* rejectedRecordsOf(
  db: Kysely<Database>,
  runId: string,
  batchSize = 10_000,
): AsyncGenerator<RejectedRecordWithOutcome[], void, undefined> {
  let after: { step: number; source: string; line: number } | undefined;
  for (;;) {
    let query = db
      .selectFrom('rejected_records as r')
      .selectAll('r')
      .select((eb) =>
        eb
          .selectFrom('withheld_customers as w')
          .select('w.is_new')
          .whereRef('w.run_id', '=', 'r.run_id')
          .whereRef('w.step_index', '=', 'r.step_index')
          .whereRef('w.external_id', '=', 'r.external_id')
          .orderBy('w.source')
          .limit(1)
          .as('is_new'),
      )
      .where('r.run_id', '=', runId)
      .orderBy('r.step_index')
      .orderBy('r.source')
      .orderBy('r.line')
      .limit(batchSize);
    if (after) {
      const { step, source, line } = after;
      query = query.where((eb) => eb(eb.refTuple('r.step_index', 'r.source', 'r.line'), '>', eb.tuple(step, source, line)));
    }
    const rows = await query.execute();
    if (rows.length === 0) return;
    yield rows.map(({ is_new, ...r }) => ({ ...r, customer_outcome: is_new === null ? '' : is_new ? 'not created' : 'not updated' }));
    const last = rows[rows.length - 1]!;
    after = { step: last.step_index, source: last.source, line: last.line };
  }
}
