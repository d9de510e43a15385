import { resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { runKey } from '../config/flow-plan.js';
import { aspectsOfColumns } from '../connectors/customer-csv/customer-csv-columns.js';
import { readCustomerCsvHeader } from '../connectors/customer-csv/customer-csv-reader.js';
import { fileChecksum } from '../connectors/file-checksum.js';
import { InputError } from '../connectors/input-error.js';
import type { CustomerSyncInput } from '../domain/run-types.js';
import type { customerSyncWorkflow } from '../workflows/customer-sync-workflow.js';
import { OperationError } from '../domain/operation-error.js';
import type { OperationDeps } from './operation-deps.js';
import { startRun } from './start-run.js';

/** Options of {@link startImport}. */
export interface ImportOptions {
  /** Whose records the rows are: source ids are that connector's ids; default `import`. */
  as?: string;
  /** Compute the changes, write nothing. */
  dryRun?: boolean;
}

/** Rows a bulk import stages and merges at a time. */
const IMPORT_BATCH = 1_000;

/**
 * Starts an import run of a CSV file in the import layout (id `import/<connector>/<time>`):
 * customers upserted by source id, only the aspects the file has columns for touched.
 * A file whose header cannot be read is refused before anything starts.
 */
export async function startImport(
  deps: Pick<OperationDeps, 'client' | 'temporal'>,
  file: string,
  options: ImportOptions = {},
): Promise<WorkflowHandle<typeof customerSyncWorkflow>> {
  const as = options.as ?? 'import';
  const path = resolve(file);
  let columns;
  try {
    ({ columns } = await readCustomerCsvHeader(path));
  } catch (error) {
    if (error instanceof InputError) throw new OperationError('invalid', error.message);
    throw error;
  }
  const input: CustomerSyncInput = {
    flow: 'import',
    trigger: 'cli',
    source: 'connector',
    steps: [{ role: 'source', connector: as, aspects: aspectsOfColumns(columns) }],
    chunkSize: IMPORT_BATCH,
    pageSize: IMPORT_BATCH,
    importFile: { path, checksum: await fileChecksum(path) },
    lease: `import/${as}`,
    ...(options.dryRun ? { dryRun: true } : {}),
  };
  return startRun(deps, `import/${as}/${runKey(new Date())}`, input);
}
