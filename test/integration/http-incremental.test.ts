import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackApi, type LoopbackApi } from '../support/loopback-api.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

interface ApiCustomer {
  externalId: string;
  type: 'COMPANY';
  name: { companyName: string };
  updatedAt: string;
}

describe('an HTTP source that lists changes since a cursor', () => {
  let api: LoopbackApi;
  let h: SyncHarness;
  const customers = new Map<string, ApiCustomer>();
  let refuse = false;
  const put = (id: string, name: string, updatedAt = new Date()) =>
    customers.set(id, { externalId: id, type: 'COMPANY', name: { companyName: name }, updatedAt: updatedAt.toISOString() });
  const sinceParams = () => api.requests.map((r) => r.url.searchParams.get('updatedSince'));
  const storedCursor = () => h.db.db.selectFrom('connector_cursors').selectAll().where('flow', '=', 'api').executeTakeFirst();

  beforeAll(async () => {
    put('A1', 'Alpha');
    put('A2', 'Beta');
    put('A3', 'Gamma');
    api = await startLoopbackApi((url) => {
      if (refuse) return { status: 400, body: { error: 'updatedSince is too old' } };
      const since = url.searchParams.get('updatedSince');
      const page = Number(url.searchParams.get('page'));
      const all = [...customers.values()].filter((c) => !since || c.updatedAt > since).map((c) => ({ externalId: c.externalId, type: c.type, name: c.name }));
      return { body: { items: all.slice((page - 1) * 2, page * 2) } };
    });
    h = await startSyncHarness({
      connectors: { api: { type: 'http', baseUrl: api.baseUrl, pagination: { type: 'page' }, pageSize: 2, incremental: { sinceParam: 'updatedSince' } } },
      flows: { api: { source: { type: 'connector', connector: 'api', aspects: ['name'] }, schedule: false } },
    });
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
  });

  it('lists everything on the first run, then only what changed; the cursor is stored when a run completes', async () => {
    const first = await h.run('api');
    expect(first).toMatchObject({ status: 'completed', mode: 'full', totals: { created: 3 } });
    expect(sinceParams().every((s) => s === null)).toBe(true);
    const cursor = await storedCursor();
    expect(cursor).toMatchObject({ connector: 'api', run_id: first.runId });

    // Changed just after the cursor: the next listing since the cursor has them.
    const justAfter = new Date(Date.parse(cursor!.cursor) + 1);
    put('A2', 'Beta Renamed', justAfter);
    put('A4', 'Delta', justAfter);
    api.requests.length = 0;
    const second = await h.run('api');
    expect(second).toMatchObject({ status: 'completed', mode: 'delta', totals: { created: 1, updated: 1 } });
    expect(second.steps[0]!.inputDetails[0]!.name).toBe(`GET /customers since ${cursor!.cursor}`);
    expect(new Set(sinceParams())).toEqual(new Set([cursor!.cursor]));
    // Customers a delta does not mention are neither missing nor deleted.
    expect(second.deletion).toBeUndefined();
    const live = await h.db.db.selectFrom('customers').select('source_id').where('missing_since', 'is', null).execute();
    expect(live.map((c) => c.source_id).sort()).toEqual(['A1', 'A2', 'A3', 'A4']);
    expect((await storedCursor())!.run_id).toBe(second.runId);
  });

  it('keeps the cursor where it was when a run fails, so the next run lists those changes again', async () => {
    const before = await storedCursor();
    refuse = true;
    const failed = await h.start('api').then((handle) => handle.result()).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(await storedCursor()).toEqual(before);

    refuse = false;
    put('A3', 'Gamma Renamed');
    api.requests.length = 0;
    const next = await h.run('api');
    expect(new Set(sinceParams())).toEqual(new Set([before!.cursor]));
    expect(next.totals).toMatchObject({ updated: 1 });
  });
});
