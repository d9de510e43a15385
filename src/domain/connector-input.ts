/** One unit a connector reads in a run: a file, or an API listing. Small; it travels through workflow history. */
export interface ConnectorInput {
  /** File name or listing name, unique within the connector. */
  name: string;
  /** Content checksum (sha256), used to process a file only once. */
  checksum: string;
  /** Size in bytes, when known. */
  size?: number;
  /** A `full` snapshot (every customer) or a `delta` (changed customers only); absent means full. */
  kind?: 'full' | 'delta';
  /** Instead of a listing: these customers, looked up one by one (an order event's customer). */
  lookup?: string[];
  /** An incremental listing: changes since this cursor (absent: everything). */
  since?: string;
  /** An incremental listing: the cursor the next run starts from, stored when this run completes. */
  nextCursor?: string;
  /** Instead of a listing: a bulk-import CSV file at this path (`custsync import`). */
  importFile?: string;
  /** Instead of a listing: the records of a bulk upsert stored under this id (`POST /api/v1/customers/bulk`). */
  importUpload?: string;
}
