import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startWorkerProcess, type WorkerProcess } from '../../bench/worker-process.js';
import { parseConfig } from '../../src/config/load-config.js';
import { planFlow, runKey, runWorkflowId } from '../../src/config/flow-plan.js';
import { pushWorkflowId } from '../../src/domain/push-target.js';
import { startLocalOms, type LocalOms } from '../../src/tooling/local-oms.js';
import type { customerSyncWorkflow } from '../../src/workflows/customer-sync-workflow.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const COMPANIES = 40;

/** The OMS's business customers as compared: what was pushed, without the ids, times and run that differ between two runs. */
const RUN_SPECIFIC = new Set(['omsRef', 'customerId', 'created', 'modified', 'modifiedBy']);
const omsContent = (oms: LocalOms) =>
  [...oms.businessCustomers.values()]
    .map((c) => JSON.stringify(Object.fromEntries(Object.entries(c).filter(([k]) => !RUN_SPECIFIC.has(k)))))
    .sort();

describe('a worker SIGKILLed while it pushes customers to an OMS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custsync-push-kill-'));
  const configFile = join(dir, 'custsync.config.yaml');
  const targets: Record<string, LocalOms> = {};
  const databases: TestDatabase[] = [];
  const workers: WorkerProcess[] = [];
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    const companies = Array.from({ length: COMPANIES }, (_, i) => ({
      externalId: `K${String(i + 1).padStart(3, '0')}`,
      type: 'COMPANY',
      name: { companyName: `Kill Test ${i + 1} AS` },
      addresses: [{ code: 'main', type: 'billing', line1: `Gate ${i + 1}`, city: 'Oslo', country: 'NO' }],
    }));
    writeFileSync(join(dir, 'companies.jsonl'), companies.map((c) => JSON.stringify(c)).join('\n') + '\n');
    for (const name of ['calm', 'killed']) {
      const oms = await startLocalOms();
      // The OMS keeps the platform's id on create (an upsert key), and answers slowly, as remote APIs do.
      oms.assignIds = 'keep';
      oms.latencyMs = 100;
      targets[name] = oms;
    }
    // One target per case: push workflows are named after their target (push/<target>).
    writeFileSync(
      configFile,
      `connectors:
  source: { type: jsonl-file, path: companies.jsonl }
  faults-oms-calm: { type: oms, baseUrl: "${targets.calm!.baseUrl}" }
  faults-oms-killed: { type: oms, baseUrl: "${targets.killed!.baseUrl}" }
flows:
  calm: { source: { type: connector, connector: source, aspects: [name, addresses] }, pushTo: [faults-oms-calm], schedule: false }
  killed: { source: { type: connector, connector: source, aspects: [name, addresses] }, pushTo: [faults-oms-killed], schedule: false }
push: { coalesce: 100ms, idle: 2s }
`,
    );
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
  });
  afterAll(async () => {
    for (const w of workers) w.kill();
    for (const [flow, target] of [['calm', 'faults-oms-calm'], ['killed', 'faults-oms-killed']] as const) {
      await client?.workflow
        .getHandle(pushWorkflowId(target, `faults-push-${flow}`))
        .terminate('test over')
        .catch((error: unknown) => {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        });
    }
    await connection?.close();
    for (const oms of Object.values(targets)) await oms.close();
    for (const d of databases) await d.drop();
  });

  /** Runs the flow on its own database and queue; `disturb` gets the worker once the run has started. */
  async function sync(flow: 'calm' | 'killed', disturb?: (w: WorkerProcess) => Promise<void>) {
    const db = await createTestDatabase();
    databases.push(db);
    const queue = `faults-push-${flow}`;
    const start = () =>
      startWorkerProcess({ databaseUrl: db.url, temporalAddress: inject('temporalAddress'), workflowBundlePath: inject('workflowBundlePath'), taskQueue: queue, configFile });
    const worker = await start();
    workers.push(worker);
    const config = parseConfig(readFileSync(configFile, 'utf8'), configFile, dir);
    const started = Date.now();
    const handle = await client.workflow.start<typeof customerSyncWorkflow>('customerSyncWorkflow', {
      taskQueue: queue,
      workflowId: runWorkflowId(flow, `${runKey(new Date())}-push`),
      args: [planFlow(config, flow, { trigger: 'test' })],
    });
    expect((await handle.result()).totals.created).toBe(COMPANIES);
    if (disturb) {
      await disturb(worker);
      workers.push(await start());
    }
    for (let i = 0; i < 600; i++) {
      const open = await db.db.selectFrom('customer_pushes').select('customer_id').where('status', '!=', 'pushed').execute();
      const pushed = await db.db.selectFrom('customer_pushes').select('customer_id').where('status', '=', 'pushed').execute();
      if (open.length === 0 && pushed.length === COMPANIES) return { db, ms: Date.now() - started };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the pushes of ${flow} did not all complete`);
  }

  it('pushes every customer exactly as an undisturbed worker does, each stored with its OMS id', async () => {
    const calm = await sync('calm');
    // The ninth create is stored by the OMS, but its answer never reaches the worker: it is killed first.
    targets.killed!.holdAnswersAfter(8);
    const killed = await sync('killed', async (w) => {
      await targets.killed!.answerHeld();
      w.kill();
      targets.killed!.releaseAnswers();
    });
    const posts = targets.killed!.requests.filter((r) => r.method === 'POST').length;
    console.log(`fault: worker SIGKILL while pushing: ${(killed.ms / 1000).toFixed(1)} s, undisturbed ${(calm.ms / 1000).toFixed(1)} s; ${posts} POSTs for ${COMPANIES} customers`);
    expect(targets.killed!.businessCustomers.size).toBe(COMPANIES);
    expect(omsContent(targets.killed!)).toEqual(omsContent(targets.calm!));
    const ids = await killed.db.db.selectFrom('external_ids').select('external_id').where('connector', '=', 'faults-oms-killed').execute();
    expect(ids.map((i) => i.external_id).sort()).toEqual([...targets.killed!.businessCustomers.keys()].sort());
  }, 180_000);
});
