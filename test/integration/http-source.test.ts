import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackApi, type LoopbackApi } from '../support/loopback-api.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const CUSTOMERS = Array.from({ length: 7 }, (_, i) => ({ externalId: `H${i + 1}`, type: 'COMPANY', name: { companyName: `Http Co ${i + 1}` } }));

describe('a flow whose source is an HTTP API', () => {
  let api: LoopbackApi;
  let h: SyncHarness;
  const times: number[] = [];

  beforeAll(async () => {
    process.env.CUSTSYNC_TEST_OMS_KEY = 'oms-key-5521';
    let limited = false;
    api = await startLoopbackApi((url, req) => {
      times.push(Date.now());
      if (req.headers['x-api-key'] !== 'oms-key-5521') return { status: 401 };
      // The API limits the first request of the run: come back in a second.
      if (!limited) {
        limited = true;
        return { status: 429, headers: { 'retry-after': '1' } };
      }
      const page = Number(url.searchParams.get('page'));
      return { body: { data: { customers: CUSTOMERS.slice((page - 1) * 3, page * 3) } } };
    });
    h = await startSyncHarness({
      connectors: {
        oms: {
          type: 'http',
          baseUrl: api.baseUrl,
          auth: { type: 'apiKey', header: 'X-Api-Key', valueEnv: 'CUSTSYNC_TEST_OMS_KEY' },
          pagination: { type: 'page' },
          itemsPath: 'data.customers',
          pageSize: 3,
        },
      },
      flows: { oms: { source: { type: 'connector', connector: 'oms', aspects: ['name'] }, schedule: false } },
    });
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
    delete process.env.CUSTSYNC_TEST_OMS_KEY;
  });

  it('waits out a 429 as Retry-After says, then syncs every page', async () => {
    const report = await h.run('oms');
    expect(report.status).toBe('completed');
    expect(report.steps[0]!.inputDetails.map((d) => [d.name, d.read])).toEqual([['GET /customers', 7]]);
    expect(report.totals).toMatchObject({ created: 7 });
    expect(api.requests.map((r) => r.url.searchParams.get('page'))).toEqual(['1', '1', '2', '3']);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
    const names = await h.db.db.selectFrom('customers').select('company_name').orderBy('source_id').execute();
    expect(names.map((n) => n.company_name)).toEqual(CUSTOMERS.map((c) => c.name.companyName));
  });
});
