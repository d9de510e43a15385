import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/run-types.js';
import { customerContent } from '../support/content-tables.js';
import { startLoopbackApi, type LoopbackApi } from '../support/loopback-api.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const CUSTOMERS = Array.from({ length: 9 }, (_, i) => ({ externalId: `R${i + 1}`, type: 'COMPANY', name: { companyName: `Reset Co ${i + 1}` } }));

describe('an HTTP connection reset in the middle of a page', () => {
  let api: LoopbackApi;
  let resets = 0;
  const harnesses: SyncHarness[] = [];

  beforeAll(async () => {
    api = await startLoopbackApi((url) => {
      const page = Number(url.searchParams.get('page'));
      const body = { items: CUSTOMERS.slice((page - 1) * 3, page * 3) };
      // The first time page 2 is asked for on the faulty path, the connection drops mid-body.
      if (url.pathname.endsWith('/faulty') && page === 2 && resets === 0) {
        resets++;
        return { body, reset: true };
      }
      return { body };
    });
  });
  afterAll(async () => {
    for (const h of harnesses) await h.close();
    await api?.close();
  });

  const syncFrom = async (path: string): Promise<{ h: SyncHarness; report: RunReport; ms: number }> => {
    const h = await startSyncHarness({
      connectors: { api: { type: 'http', baseUrl: api.baseUrl, path, pagination: { type: 'page' }, pageSize: 3 } },
      flows: { api: { source: { type: 'connector', connector: 'api', aspects: ['name'] }, schedule: false } },
    });
    harnesses.push(h);
    const started = Date.now();
    const report = await h.run('api');
    return { h, report, ms: Date.now() - started };
  };

  it('retries the page and ends with exactly what an undisturbed run stores', async () => {
    const undisturbed = await syncFrom('/steady');
    const disturbed = await syncFrom('/faulty');
    console.log(`fault: HTTP connection reset mid-page: ${(disturbed.ms / 1000).toFixed(1)} s, undisturbed ${(undisturbed.ms / 1000).toFixed(1)} s`);
    expect(resets).toBe(1);
    expect(api.requests.filter((r) => r.url.pathname.endsWith('/faulty') && r.url.searchParams.get('page') === '2')).toHaveLength(2);
    expect(disturbed.report.status).toBe('completed');
    expect(disturbed.report.totals).toEqual(undisturbed.report.totals);
    expect(disturbed.report.totals.created).toBe(9);
    expect(await customerContent(disturbed.h.db)).toEqual(await customerContent(undisturbed.h.db));
  });
});
