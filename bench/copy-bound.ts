/**
 * The database bound: the rows a sync writes, loaded with raw `COPY … FROM STDIN`
 * into the same tables (same keys, indexes and foreign keys) of another database.
 * The rows come from the very file the sync reads, read through the flat-file connector
 * and merged by the project's own code: the bound does the same work's writing, never a
 * second copy of the mapping.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyLine, copyStatement } from '../src/db/copy-rows.js';
import { CHILD_TABLES, CUSTOMER_COLUMNS, customerRow } from '../src/db/customer-tables.js';
import type { ColumnSpec } from '../src/db/json-rows.js';
import type { Connector } from '../src/connectors/connector.js';
import type { CustomerRecord } from '../src/domain/customer-record.js';
import { combineFragments, contentHash, inputHashOf, mergeCustomer, recordHash, stepsSignature } from '../src/merge/index.js';
import type { FlowStepPlan } from '../src/domain/run-types.js';
import { customerUuid } from './customer-generator.js';
import { TARGET_TABLES, type TargetTable } from './bench-database.js';

const EXTERNAL_ID_COLUMNS: ColumnSpec = { connector: 'text', external_id: 'text', customer_id: 'uuid', run_id: 'text', input_hash: 'text' };

/** Columns written per target table, in COPY order. */
export const COPY_COLUMNS: Record<TargetTable, ColumnSpec> = {
  customers: CUSTOMER_COLUMNS,
  external_ids: EXTERNAL_ID_COLUMNS,
  addresses: CHILD_TABLES.addresses.columns,
  contact_persons: CHILD_TABLES.contact_persons.columns,
  customer_attributes: CHILD_TABLES.customer_attributes.columns,
  address_attributes: CHILD_TABLES.address_attributes.columns,
  customer_contact_details: CHILD_TABLES.customer_contact_details.columns,
  address_contact_details: CHILD_TABLES.address_contact_details.columns,
};

/** Options for {@link prepareCopyFiles}. */
export interface PrepareCopyOptions {
  /** Folder the per-table COPY files are written to. */
  folder: string;
  /** The flow's source connector, over the folder holding the template file the sync reads. */
  connector: Connector;
  /** Generator seed (for the customers' ids). */
  seed: number;
  /** The flow's steps, as planned for the sync: one source step, the flat-file connector. */
  steps: readonly FlowStepPlan[];
  /** Run id stamped into provenance and run columns; the sync's workflow id, so content hashes match. */
  runId: string;
}

/** The prepared COPY payloads: one file and row count per table. */
export interface CopyFiles {
  files: Record<TargetTable, string>;
  rows: Record<TargetTable, number>;
  /** Sum of `rows`. */
  totalRows: number;
  bytes: number;
}

/**
 * Builds the exact rows a first sync writes into each target table (merged customer, content
 * hash, item keys, provenance, input hash) from the template file, read through the connector
 * (rows parsed and mapped as a sync maps them, a customer's rows combined), and writes them as
 * COPY text files. Runs before the timed load.
 */
export async function prepareCopyFiles(options: PrepareCopyOptions): Promise<CopyFiles> {
  const files = {} as Record<TargetTable, string>;
  const rows = {} as Record<TargetTable, number>;
  const streams = {} as Record<TargetTable, WriteStream>;
  const pending = {} as Record<TargetTable, string>;
  for (const table of TARGET_TABLES) {
    files[table] = join(options.folder, `${table}.copy`);
    rows[table] = 0;
    pending[table] = '';
    streams[table] = createWriteStream(files[table], { highWaterMark: 1 << 20 });
  }
  let bytes = 0;
  const flush = async (): Promise<void> => {
    const waits: Promise<unknown>[] = [];
    for (const table of TARGET_TABLES) {
      if (pending[table].length === 0) continue;
      bytes += Buffer.byteLength(pending[table]);
      if (!streams[table].write(pending[table])) waits.push(once(streams[table], 'drain'));
      pending[table] = '';
    }
    await Promise.all(waits);
  };
  const add = (table: TargetTable, row: Record<string, unknown>): void => {
    pending[table] += copyLine(row, COPY_COLUMNS[table]);
    rows[table]++;
  };

  const { runId, steps } = options;
  const source = steps[0];
  if (!source || source.role !== 'source' || steps.length !== 1) throw new Error('the COPY bound covers a flow with one source step');
  const { connector, aspects } = source;
  const signature = stepsSignature(steps);
  let written = 0;
  const addCustomer = (record: CustomerRecord): void => {
    const merged = mergeCustomer(undefined, [{ connector, aspects, record }], runId);
    const id = customerUuid(++written, options.seed);
    const inputHash = inputHashOf(signature, [{ stepIndex: 0, recordHash: recordHash(record) }]);
    add(
      'customers',
      customerRow(id, merged, {
        sourceConnector: connector,
        sourceId: record.externalId,
        contentHash: contentHash(merged),
        inputHash,
        runId,
        createdRunId: runId,
      }),
    );
    add('external_ids', { connector, external_id: record.externalId, customer_id: id, run_id: runId, input_hash: inputHash });
    for (const table of TARGET_TABLES) {
      if (table === 'customers' || table === 'external_ids') continue;
      for (const row of CHILD_TABLES[table].rows(merged)) add(table, { ...row, customer_id: id });
    }
  };
  // The writer puts a customer's rows one after another: a customer is complete when the next begins.
  const done = new Set<string>();
  let current: CustomerRecord[] = [];
  const complete = (): void => {
    if (current.length === 0) return;
    const externalId = current[0]!.externalId;
    if (done.has(externalId)) throw new Error(`customer ${externalId}'s rows are not one after another in the file`);
    done.add(externalId);
    addCustomer(combineFragments(current));
    current = [];
  };
  const [input, ...others] = await options.connector.listInputs();
  if (!input || others.length > 0) throw new Error('the COPY bound reads one template file');
  for await (const page of options.connector.read(input, { pageSize: 1_000 })) {
    if (page.rejects.length > 0) throw new Error(`the template file has rejected rows (${page.rejects[0]!.reason}): the bound would not be the same work`);
    for (const { record } of page.fragments) {
      if (current.length > 0 && current[0]!.externalId !== record.externalId) complete();
      current.push(record);
    }
    await flush();
  }
  complete();
  await flush();
  await Promise.all(
    TARGET_TABLES.map(async (table) => {
      streams[table].end();
      await once(streams[table], 'finish');
    }),
  );
  const totalRows = TARGET_TABLES.reduce((n, t) => n + rows[t], 0);
  return { files, rows, totalRows, bytes };
}

/** Timing of the raw COPY load. */
export interface CopyTiming {
  seconds: number;
  perTable: Record<TargetTable, number>;
  rows: number;
}

/**
 * Loads the prepared files with `COPY … FROM STDIN`, one table after another
 * (parents first, so foreign keys are checked as in the sync), each in its own
 * transaction, over one connection to the database at `url`.
 */
export async function runCopyLoad(url: string, prepared: CopyFiles, timeoutMs: number): Promise<CopyTiming> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000, statement_timeout: timeoutMs });
  await client.connect();
  const perTable = {} as Record<TargetTable, number>;
  let rows = 0;
  const started = performance.now();
  try {
    for (const table of TARGET_TABLES) {
      const t0 = performance.now();
      const copy = client.query(copyFrom(copyStatement(table, COPY_COLUMNS[table])));
      await pipeline(createReadStream(prepared.files[table], { highWaterMark: 1 << 20 }), copy);
      perTable[table] = (performance.now() - t0) / 1000;
      rows += copy.rowCount;
    }
  } finally {
    await client.end();
  }
  return { seconds: (performance.now() - started) / 1000, perTable, rows };
}
