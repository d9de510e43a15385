import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLoopbackApi, type LoopbackApi } from '../support/loopback-api.js';
import { custsync, startCustsync, writeConfig } from '../support/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const CUSTOMERS = Array.from({ length: 7 }, (_, i) => ({ externalId: `D${i + 1}`, type: 'COMPANY', name: { companyName: `Drain Co ${i + 1}` } }));

describe('a worker stopped with SIGTERM drains', () => {
  let api: LoopbackApi;
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let releasePage2: () => void = () => undefined;
  let page2Asked: Promise<void>;

  beforeAll(async () => {
    const held = new Promise<void>((resolve) => (releasePage2 = resolve));
    let asked: () => void = () => undefined;
    page2Asked = new Promise<void>((resolve) => (asked = resolve));
    api = await startLoopbackApi((url) => {
      const page = Number(url.searchParams.get('page'));
      if (page === 2) asked();
      return { body: { data: { customers: CUSTOMERS.slice((page - 1) * 3, page * 3) } }, ...(page === 2 ? { after: held } : {}) };
    });
    db = await createTestDatabase();
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      CUSTSYNC_TASK_QUEUE: `drain-${randomBytes(4).toString('hex')}`,
      CUSTSYNC_CONNECTORS_DIR: mkdtempSync(join(tmpdir(), 'custsync-no-packages-')),
      CUSTSYNC_CONFIG: writeConfig(
        JSON.stringify({
          connectors: {
            api: { type: 'http', baseUrl: api.baseUrl, pagination: { type: 'page' }, itemsPath: 'data.customers', pageSize: 3 },
            // A source package not installed on this machine: only its runs would fail; the worker starts and says so.
            loyalty: { type: 'singer-tap', package: 'tap-not-installed==1.0.0', stream: 'members', mapping: { externalId: 'id' } },
          },
          flows: { api: { source: { type: 'connector', connector: 'api', aspects: ['name'] }, schedule: false } },
          worker: { shutdownGraceSeconds: 60 },
        }),
      ),
    };
  });
  afterAll(async () => {
    releasePage2();
    await api?.close();
    await db?.drop();
  });

  it('lets the activity in flight finish, exits 0, and another worker completes the run as if nothing happened', { timeout: 180_000 }, async () => {
    const first = startCustsync(['worker'], env);
    await expect.poll(() => first.stderr(), { timeout: 60_000, interval: 200 }).toContain('worker polling task queue');
    expect(first.stderr()).toContain('connectors.loyalty.package: connector loyalty: package tap-not-installed is not installed under');
    expect(first.stderr()).toContain('install it with: custsync connectors install tap-not-installed==1.0.0');
    const started = await custsync(['run', 'api', '--no-wait'], env);
    expect(started.code, started.stderr).toBe(0);
    const runId = started.stdout.trim();
    await page2Asked;

    first.kill();
    await expect.poll(() => first.stderr(), { timeout: 30_000, interval: 100 }).toContain('worker stopping: no new tasks; activities in flight may finish for up to 60 s');
    releasePage2();
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toContain('worker stopped');
    expect(api.requests.filter((r) => r.url.searchParams.get('page') === '2'), 'the staging activity was not cut off and retried').toHaveLength(1);

    const second = startCustsync(['worker'], env);
    try {
      await expect
        .poll(async () => (JSON.parse((await custsync(['runs', 'show', runId, '--json'], env)).stdout) as { status: string }).status, { timeout: 90_000, interval: 500 })
        .toBe('completed');
    } finally {
      second.kill();
      await second.done;
    }
    const report = JSON.parse((await custsync(['runs', 'show', runId, '--json'], env)).stdout) as { totals: Record<string, number>; steps: { read: number; rejected: number }[] };
    expect(report.totals).toMatchObject({ customers: 7, created: 7, updated: 0, rejected: 0 });
    expect(report.steps[0]).toMatchObject({ read: 7, rejected: 0 });
    const names = await db.db.selectFrom('customers').select('company_name').orderBy('source_id').execute();
    expect(names.map((n) => n.company_name)).toEqual(CUSTOMERS.map((c) => c.name.companyName));
    expect(api.requests.map((r) => r.url.searchParams.get('page'))).toEqual(['1', '2', '3']);
  });
});
