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
