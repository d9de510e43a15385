import type { Kysely } from 'kysely';
import type { CustomerRecord } from '../../domain/customer-record.js';
import type { Database } from '../database.js';
import { insertJsonRows } from '../json-rows.js';

const BATCH = 2_000;

/** Stores the records of a bulk upsert, in order (positions from 1), for its import run to read. */
export async function storeBulkUpload(db: Kysely<Database>, uploadId: string, records: readonly CustomerRecord[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < records.length; start += BATCH) {
      const rows = records.slice(start, start + BATCH).map((record, i) => ({ upload_id: uploadId, position: start + i + 1, record }));
      await insertJsonRows(trx, 'bulk_upload_records', { upload_id: 'text', position: 'integer', record: 'jsonb' }, rows);
    }
  });
}

/** The next `limit` records of an upload after position `after`, in order. */
export async function bulkUploadRecords(
  db: Kysely<Database>,
  uploadId: string,
  after: number,
  limit: number,
): Promise<{ position: number; record: CustomerRecord }[]> {
  return db
    .selectFrom('bulk_upload_records')
    .select(['position', 'record'])
    .where('upload_id', '=', uploadId)
    .where('position', '>', after)
    .orderBy('position')
    .limit(limit)
    .execute();
}

/** Removes an upload's records once its run has completed. */
export async function removeBulkUpload(db: Kysely<Database>, uploadId: string): Promise<void> {
  await db.deleteFrom('bulk_upload_records').where('upload_id', '=', uploadId).execute();
}
