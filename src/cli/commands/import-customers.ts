import { resolve } from 'node:path';
import type { Connection } from '@temporalio/client';
import { runKey } from '../../config/flow-plan.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import { aspectsOfColumns, CUSTOMER_CSV_COLUMNS } from '../../connectors/customer-csv/customer-csv-columns.js';
import { readCustomerCsvHeader } from '../../connectors/customer-csv/customer-csv-reader.js';
import { fileChecksum } from '../../connectors/file-checksum.js';
import { InputError } from '../../connectors/input-error.js';
import type { CustomerSyncInput, RunReport } from '../../domain/run-types.js';
import { CliError } from '../cli-error.js';
import { startAndFollowRun } from './run-flow.js';

const columnList = Object.entries(CUSTOMER_CSV_COLUMNS)
  .map(([name, spec]) => `  ${name.padEnd(17)} ${spec.description}`)
  .join('\n');

export const importHelp = `Upserts customers from a CSV file by source id (reference 004), as the records
of connector --as (default "import"): a source id that connector has not supplied
before creates a customer, a known one updates it (only the aspects the file has
columns for), an equal one is left unchanged. Comma delimited, UTF-8, a header row
naming any of these columns (source_id is required):
${columnList}
The name columns are one aspect: a file with any of them sets the whole name. A row
with problems is rejected with its line and every reason; the rest imports.
A row whose id belongs to a customer with another source id is rejected: source ids
never change. The run is a Temporal workflow (import/<connector>/<time>); the worker
reads the file, so give a path it can read. Prints created, updated, unchanged and
rejected; exits 1 when the run fails.`;

export interface ImportOptions {
  as: string;
  dryRun?: boolean;
  json?: boolean;
  wait: boolean;
  /** How long to keep trying while Temporal is unreachable (default 5 minutes). */
  reconnectForMs?: number;
}

export async function importCustomers(
  connection: Connection,
  temporal: TemporalSettings,
  file: string,
  options: ImportOptions,
): Promise<RunReport | undefined> {
  const path = resolve(file);
  let columns;
  try {
    ({ columns } = await readCustomerCsvHeader(path));
  } catch (error) {
    if (error instanceof InputError) throw new CliError(error.message);
    throw error;
  }
  const input: CustomerSyncInput = {
    flow: 'import',
    trigger: 'cli',
    source: 'connector',
    steps: [{ role: 'source', connector: options.as, aspects: aspectsOfColumns(columns) }],
    chunkSize: 1_000,
    pageSize: 1_000,
    importFile: { path, checksum: await fileChecksum(path) },
    lease: `import/${options.as}`,
    ...(options.dryRun ? { dryRun: true } : {}),
  };
  return startAndFollowRun({
    connection,
    temporal,
    workflowId: `import/${options.as}/${runKey(new Date())}`,
    input,
    wait: options.wait,
    reconnectForMs: options.reconnectForMs,
    ...(options.json ? { json: true } : {}),
  });
}
