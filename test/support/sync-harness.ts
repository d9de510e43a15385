import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { configSchema, type CustsyncConfig } from '../../src/config/config-schema.js';
import { planFlow, runKey, runWorkflowId } from '../../src/config/flow-plan.js';
import type { TemporalSettings } from '../../src/config/temporal-settings.js';
import { createCustsyncWorker, installWorkerRuntime, type CustsyncWorkerOptions } from '../../src/worker.js';
import type { customerSyncWorkflow } from '../../src/workflows/customer-sync-workflow.js';
import type { CustomerSyncInput, RunReport } from '../../src/domain/run-types.js';
import type { DatabaseHandle } from '../../src/db/connect.js';
import { createTestDatabase } from './test-database.js';

export interface SyncHarness {
  db: DatabaseHandle;
  client: Client;
  temporal: TemporalSettings;
  config: CustsyncConfig;
  /** Runs a flow to completion through Temporal and returns its report. */
  run(flow: string, options?: { inputs?: string[] }): Promise<RunReport>;
  /** Starts a run and returns its handle (for signals and queries). */
  start(flow: string, options?: { inputs?: string[]; input?: Partial<CustomerSyncInput> }): Promise<WorkflowHandleWithFirstExecutionRunId<typeof customerSyncWorkflow>>;
  /** The event history of a run (its workflow id is the report's runId). */
  history(runId: string): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A real worker on its own task queue (shared Temporal dev server), over a fresh
 * PostgreSQL database, with the given configuration.
 */
export async function startSyncHarness(
  rawConfig: unknown,
  options: {
    database?: DatabaseHandle;
    /** A Temporal server of the test's own (default: the suite's shared one). */
    temporalAddress?: string;
    /** Worker interceptors, e.g. to inject faults. */
    interceptors?: CustsyncWorkerOptions['interceptors'];
  } = {},
): Promise<SyncHarness> {
  const config = configSchema.parse(rawConfig);
  const address = options.temporalAddress ?? inject('temporalAddress');
  const temporal: TemporalSettings = {
    address,
    namespace: 'default',
    taskQueue: `test-${randomBytes(4).toString('hex')}`,
  };
  const db: DatabaseHandle & { drop?: () => Promise<void> } = options.database ?? (await createTestDatabase());
  installWorkerRuntime();
  const nativeConnection = await NativeConnection.connect({ address });
  const worker: Worker = await createCustsyncWorker({
    config,
    database: db,
    temporal,
    connection: nativeConnection,
    workflowBundlePath: inject('workflowBundlePath'),
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: temporal.namespace });
  const start: SyncHarness['start'] = async (flow, options = {}) => {
    const input = { ...planFlow(config, flow, { trigger: 'test', inputs: options.inputs }), ...options.input };
    return client.workflow.start<typeof customerSyncWorkflow>('customerSyncWorkflow', {
      taskQueue: temporal.taskQueue,
      workflowId: runWorkflowId(flow, `${runKey(new Date())}-${randomBytes(2).toString('hex')}`),
      args: [input],
    });
  };
  return {
    db,
    client,
    temporal,
    config,
    async run(flow, options = {}) {
      return (await start(flow, options)).result();
    },
    start,
    async history(runId) {
      return client.workflow.getHandle(runId).fetchHistory();
    },
    async close() {
      // The shared Temporal server outlives the test: end what this harness left running (grace periods, push targets).
      for await (const open of client.workflow.list({ query: `TaskQueue = '${temporal.taskQueue}' AND ExecutionStatus = 'Running'` })) {
        await client.workflow.getHandle(open.workflowId, open.runId).terminate('test over').catch(() => undefined);
      }
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      if (db.drop) await db.drop();
    },
  };
}
