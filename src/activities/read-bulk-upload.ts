import type { Kysely } from 'kysely';
import type { ConnectorPage, ReadOptions } from '../connectors/connector.js';
import type { Database } from '../db/database.js';
import { bulkUploadRecords } from '../db/repositories/bulk-uploads.js';

/**
 * Reads the records a bulk upsert stored, as pages like a connector's (the cursor is the last
 * position read). The API validated every record before storing it, so none is rejected here.
 */
export async function* readBulkUpload(db: Kysely<Database>, uploadId: string, options: ReadOptions): AsyncIterable<ConnectorPage> {
  let after = options.cursor !== undefined ? Number(options.cursor) : 0;
  for (;;) {
    const rows = await bulkUploadRecords(db, uploadId, after, options.pageSize);
    if (rows.length === 0) return;
    after = rows.at(-1)!.position;
    yield { fragments: rows.map((r) => ({ seq: r.position, record: r.record })), rejects: [], read: rows.length, cursor: String(after) };
  }
}
