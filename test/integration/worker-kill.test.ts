import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { writeReferenceData, writeTemplateFile } from '../../bench/template-file-writer.js';
import { startWorkerProcess, type WorkerProcess } from '../../bench/worker-process.js';
import { parseConfig } from '../../src/config/load-config.js';
import { planFlow, runKey, runWorkflowId } from '../../src/config/flow-plan.js';
import type { RunProgress, RunReport } from '../../src/domain/run-types.js';
import type { customerSyncWorkflow } from '../../src/workflows/customer-sync-workflow.js';
import { customerContent } from '../support/content-tables.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const CUSTOMERS = 3000;

describe('a worker killed with SIGKILL in the middle of a merge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custsync-kill-'));
  const configFile = join(dir, 'custsync.config.yaml');
  const databases: TestDatabase[] = [];
  const workers: WorkerProcess[] = [];
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    await writeTemplateFile(join(inbox, 'customer_20261101T000000.txt'), CUSTOMERS);
    await writeReferenceData(join(dir, 'reference-data.json'));
    writeFileSync(
      configFile,
      `connectors:
  erp: { type: flat-file, folder: inbox, referenceData: reference-data.json }
flows:
  kill:
    source: { type: connector, connector: erp, aspects: [name, addresses, contactPersons, customerAttributes, customerContactDetails, addressAttributes, addressContactDetails] }
    chunkSize: 100
    schedule: false
`,
    );
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
  });
  afterAll(async () => {
    for (const w of workers) w.kill();
    await connection?.close();
    for (const d of databases) await d.drop();
  });

  async function startRun(taskQueue: string) {
    const config = parseConfig(readFileSync(configFile, 'utf8'), configFile, dir);
    return client.workflow.start<typeof customerSyncWorkflow>('customerSyncWorkflow', {
      taskQueue,
      workflowId: runWorkflowId('kill', `${runKey(new Date())}-${taskQueue}`),
      args: [planFlow(config, 'kill', { trigger: 'test' })],
    });
  }

  async function worker(database: TestDatabase, taskQueue: string) {
    const w = await startWorkerProcess({ databaseUrl: database.url, temporalAddress: inject('temporalAddress'), taskQueue, configFile });
    workers.push(w);
    return w;
  }

  it('is replaced by a new worker that finishes the run within a minute more, with identical customers', async () => {
    const undisturbedDb = await createTestDatabase();
    const disturbedDb = await createTestDatabase();
    databases.push(undisturbedDb, disturbedDb);

    const first = await worker(undisturbedDb, 'kill-undisturbed');
    let started = Date.now();
    const undisturbed: RunReport = await (await startRun('kill-undisturbed')).result();
    const undisturbedMs = Date.now() - started;
    await first.stop();

    const doomed = await worker(disturbedDb, 'kill-disturbed');
    started = Date.now();
    const handle = await startRun('kill-disturbed');
    let progress: RunProgress | undefined;
    for (let i = 0; i < 600 && !(progress?.phase === 'merging' && progress.chunksDone >= 3); i++) {
      await new Promise((r) => setTimeout(r, 50));
      progress = await handle.query<RunProgress>('progress');
    }
    expect(progress).toMatchObject({ phase: 'merging' });
    expect(progress!.chunksDone).toBeLessThan(CUSTOMERS / 100);
    doomed.kill();
    await worker(disturbedDb, 'kill-disturbed');
    const disturbed = await handle.result();
    const disturbedMs = Date.now() - started;

    console.log(`kill recovery: undisturbed ${(undisturbedMs / 1000).toFixed(1)} s, killed at chunk ${progress!.chunksDone} and replaced: ${(disturbedMs / 1000).toFixed(1)} s`);
    expect(disturbedMs - undisturbedMs).toBeLessThan(60_000);
    expect(disturbed.totals).toEqual(undisturbed.totals);
    expect(disturbed.totals.created).toBe(CUSTOMERS);
    expect(await customerContent(disturbedDb)).toEqual(await customerContent(undisturbedDb));
  }, 240_000);
});
