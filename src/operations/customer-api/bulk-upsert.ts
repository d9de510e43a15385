import { createHash, randomBytes } from 'node:crypto';
import { runKey } from '../../config/flow-plan.js';
import { storeBulkUpload } from '../../db/repositories/bulk-uploads.js';
import { ASPECTS, type CustomerRecord } from '../../domain/customer-record.js';
import type { CustomerSyncInput } from '../../domain/run-types.js';
import { canonicalJson } from '../../merge/index.js';
import type { OperationDeps } from '../operation-deps.js';
import { startRun } from '../start-run.js';
import type { ApiWriter } from './api-writer.js';
import { pushTargetsExcept } from './push-targets.js';

/** Records a bulk upsert's run stages and merges at a time. */
const BULK_BATCH = 1_000;

/**
 * Upserts many customers of the writer's system by source id as one import run through Temporal
 * (`import/<system>/<time>`, the same path as `custsync import`): the records are stored in the
 * database for the run to read, never passed through workflow history. Each record speaks for
 * the aspects it has. The run's changes are pushed to every push target but the writer's.
 */
export async function startBulkUpsert(
  deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  writer: ApiWriter,
  records: readonly CustomerRecord[],
): Promise<{ runId: string; records: number }> {
  const key = `${runKey(new Date())}-${randomBytes(3).toString('hex')}`;
  const uploadId = `${writer.system}/${key}`;
  await storeBulkUpload(deps.db, uploadId, records);
  const checksum = createHash('sha256').update(canonicalJson(records)).digest('hex');
  const pushTo = pushTargetsExcept(deps.config, writer.system);
  const input: CustomerSyncInput = {
    flow: 'import',
    trigger: 'api',
    source: 'connector',
    steps: [{ role: 'source', connector: writer.system, aspects: [...ASPECTS] }],
    chunkSize: BULK_BATCH,
    pageSize: BULK_BATCH,
    importUpload: { id: uploadId, checksum, records: records.length },
    // Bulk upserts do not wait for each other: each holds only itself.
    lease: `import/${uploadId}`,
    ...(pushTo.length > 0 ? { pushTo } : {}),
  };
  const handle = await startRun(deps, `import/${uploadId}`, input);
  return { runId: handle.workflowId, records: records.length };
}
