import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/tooling/dev-server.js';
import { freePort, freeStablePort } from '../../src/tooling/free-port.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { rowOf, writeSampleVariant } from '../support/sample-variants.js';
import { startLoopbackApi, type LoopbackApi } from '../support/loopback-api.js';
import { custsync, startCustsync, writeConfig } from '../support/run-cli.js';
import type { RunReport } from '../../src/domain/run-types.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('custsync run exits with the run’s outcome: waiting for a deletion approval', () => {
  let h: SyncHarness;
  let env: NodeJS.ProcessEnv;
  let inbox: string;

  beforeAll(async () => {
    inbox = inboxWith(SNAPSHOT);
    const connectors = { erp: { type: 'flat-file', folder: inbox, referenceData: join(SHARED_DATA, 'reference-data.json') } };
    const flows = { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses'] }, schedule: false } };
    h = await startSyncHarness({ connectors, flows });
    env = {
      TEMPORAL_ADDRESS: h.temporal.address,
      CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue,
      DATABASE_URL: h.db.url,
      CUSTSYNC_CONFIG: writeConfig(JSON.stringify({ connectors, flows })),
    };
    expect((await h.run('erp')).totals).toMatchObject({ created: 4 });
  });
  afterAll(async () => h?.close());

  it('exits 4 naming the commands when the run waits; deletions reject then completes it with nothing marked', async () => {
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T050000.txt', rowOf('C1001', 'C1002'));
    const run = await custsync(['run', 'erp'], env);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/run (sync\/erp\/\S+) is waiting for approval: 2 of 4 customers would be marked missing \(threshold 10%\); custsync deletions approve\|reject sync\/erp\//);
    const runId = /run (sync\/erp\/\S+) is waiting/.exec(run.stderr)![1]!;

    const reject = await custsync(['deletions', 'reject', runId], env);
    expect(reject.code).toBe(0);
    const report = (await h.client.workflow.getHandle(runId).result()) as RunReport;
    expect(report.deletion).toMatchObject({ status: 'rejected', markedMissing: 0 });
    const missing = await h.db.db.selectFrom('customers').select('source_id').where('missing_since', 'is not', null).execute();
    expect(missing).toEqual([]);
    expect((await custsync(['runs', 'show', runId], env)).stdout).toContain('rejected by an operator: nothing marked');
  });
});

describe('custsync run follows a run through a Temporal outage', () => {
  let server: TemporalDevServer;
  let port: number;
  let dbFile: string;
  let api: LoopbackApi;
  let h: SyncHarness;
  let env: NodeJS.ProcessEnv;
  let pagesAsked = 0;

  const startServer = async () => {
    server = await startTemporalDevServer({ port, uiPort: await freePort(), dbFile });
  };

  beforeAll(async () => {
    // Outside the ephemeral range: while the server is down, no other connection can take its port.
    port = await freeStablePort();
    dbFile = join(mkdtempSync(join(tmpdir(), 'custsync-outage-')), 'temporal.sqlite');
    await startServer();
    api = await startLoopbackApi((url) => {
      pagesAsked++;
      const page = Number(url.searchParams.get('page'));
      const customers = page <= 3 ? [1, 2].map((i) => ({ externalId: `O${page}-${i}`, type: 'COMPANY', name: { companyName: `Outage Co ${page}-${i}` } })) : [];
      return { body: { items: customers }, delayMs: page === 1 ? 1_500 : 0 };
    });
    const connectors = { api: { type: 'http', baseUrl: api.baseUrl, pagination: { type: 'page' }, pageSize: 2 } };
    const flows = { api: { source: { type: 'connector', connector: 'api', aspects: ['name'] }, schedule: false } };
    h = await startSyncHarness({ connectors, flows }, { temporalAddress: server.address });
    env = {
      TEMPORAL_ADDRESS: server.address,
      CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue,
      DATABASE_URL: h.db.url,
      CUSTSYNC_CONFIG: writeConfig(JSON.stringify({ connectors, flows })),
    };
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
    await server?.stop();
  });

  it('says Temporal is unreachable and since when, then prints the report and exits 0 once it is back', async () => {
    const cli = startCustsync(['run', 'api', '--reconnect-for', '2m'], env);
    await until('the run to ask the API', () => pagesAsked > 0);
    const downAt = Date.now();
    await server.stop();
    // Back once the command has said it lost Temporal (not after a fixed time).
    await until('the command to say Temporal is unreachable', () => /Temporal is unreachable since/.test(cli.stderr()), 120_000);
    await startServer();
    const result = await cli.done;
    expect(result.stderr).toMatch(/Temporal is unreachable since \d{4}-\d\d-\d\dT[\d:.]+Z .*retrying for up to 120 s/);
    expect(result.stderr).toMatch(/Temporal is reachable again/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('6 created');
    const names = await h.db.db.selectFrom('customers').select('source_id').orderBy('source_id').execute();
    expect(names.map((n) => n.source_id)).toEqual(['O1-1', 'O1-2', 'O2-1', 'O2-2', 'O3-1', 'O3-2']);
    console.log(`run followed through a ${Math.round((Date.now() - downAt) / 1000)} s outage`);
  }, 300_000);

  it('rides out a brief restart of Temporal on the same port and state, exiting 0 with the report', async () => {
    pagesAsked = 0;
    const running = custsync(['run', 'api'], env);
    await until('the run to ask the API', () => pagesAsked > 0);
    const downAt = Date.now();
    await server.stop();
    await startServer();
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('0 created, 0 updated, 6 unchanged');
    console.log(`run followed through a brief restart: ${Math.round((Date.now() - downAt) / 1000)} s from the stop to the report`);
  }, 300_000);

  it('stops following after --reconnect-for with exit 3, naming how to follow the run later', async () => {
    pagesAsked = 0;
    const running = custsync(['run', 'api', '--reconnect-for', '1s'], env);
    await until('the run to ask the API', () => pagesAsked > 0);
    await server.stop();
    const result = await running;
    await startServer();
    expect(result.code).toBe(3);
    const runId = /run (sync\/api\/\S+) is still running/.exec(result.stderr)?.[1];
    expect(runId, result.stderr).toBeDefined();
    expect(result.stderr).toContain(`Follow it later with: custsync runs show ${runId}`);
  }, 300_000);
});
