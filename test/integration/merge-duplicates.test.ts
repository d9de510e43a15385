import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/connect.js';
import { getCustomer, listCustomers } from '../../src/operations/customer-api/read-customers.js';
import { mergeDuplicate, unmergeCustomer } from '../../src/operations/customer-merges.js';
import { listDuplicates } from '../../src/operations/duplicates.js';
import type { LocalOms } from '../../src/tooling/local-oms.js';
import { CUSTOMER_TABLES } from '../support/db-state.js';
import { erpAndOmsConfig, startOmsWithAcme } from '../support/duplicate-sources.js';
import { pushesSettled } from '../support/push-settled.js';
import { SNAPSHOT } from '../support/sample-data.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';


/**
 * Every customer table's rows, without the write times a merge and its undoing leave behind, customers named by source id and runs by flow and order (two databases give
 * their own ids), sorted.
 */
async function customerState(db: DatabaseHandle): Promise<Record<string, unknown[]>> {
  const names = new Map<string, string>();
  for (const c of await db.db.selectFrom('customers').select(['id', 'source_connector', 'source_id']).execute()) names.set(c.id, `customer ${c.source_connector}:${c.source_id}`);
  const runs = await db.db.selectFrom('sync_runs').select(['id', 'flow']).orderBy('started_at').execute();
  runs.forEach((r, i) => names.set(r.id, `run ${i + 1} of ${r.flow}`));
  const out: Record<string, unknown[]> = {};
  for (const table of CUSTOMER_TABLES) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db.db);
    out[table] = rows.rows
      .map((r) => {
        // The content hash covers the run ids in provenance, which differ between the databases: \`merged\` is compared instead.
        const text = JSON.stringify({ ...r, updated_at: undefined, created_at: undefined, content_hash: undefined }, (_key, value: unknown) => (typeof value === 'string' && names.has(value) ? names.get(value) : value));
        return JSON.parse(text) as Record<string, unknown>;
      })
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

describe('merging duplicates, and undoing it', () => {
  let oms: LocalOms;
  let h: SyncHarness;
  /** The same runs into a database that never merges: what undoing must come back to. */
  let never: SyncHarness;

  beforeAll(async () => {
    oms = await startOmsWithAcme();
    [h, never] = await Promise.all([startSyncHarness(erpAndOmsConfig(oms)), startSyncHarness(erpAndOmsConfig(oms))]);
    for (const harness of [h, never]) {
      await harness.run('erp');
      await harness.run('oms');
    }
  });
  afterAll(async () => {
    await Promise.all([h?.close(), never?.close()]);
    await oms?.close();
  });

  it('makes one customer that keeps every source id and item; the other id answers with the survivor', async () => {
    const before = await customerState(h.db);
    const [pair] = await listDuplicates(h.db, { strength: 'strong' });
    const erpId = pair!.customers.find((c) => c.source === 'erp:C1001')!.id;
    const omsId = pair!.customers.find((c) => c.source === 'oms:B-200')!.id;
    const merged = await mergeDuplicate(h.db, pair!.id, { by: 'cli:tester' });
    expect(merged).toMatchObject({ survivorId: erpId, mergedId: omsId });

    const survivor = await getCustomer(h.db, { connector: 'oms', externalId: 'B-200' });
    expect(survivor.customer.id).toBe(erpId);
    expect(survivor.externalIds.map((e) => `${e.connector}:${e.external_id}`).sort()).toEqual(['erp:C1001', 'oms:B-200']);
    expect((await getCustomer(h.db, { id: omsId })).customer.id).toBe(erpId);
    const suppliers = new Set(Object.values(survivor.customer.merged.items).flatMap((items) => items.flatMap((i) => i.suppliedBy)));
    expect([...suppliers].sort()).toEqual(['erp', 'oms']);
    expect(survivor.customer.merged.items.customerContactDetails.map((d) => [d.value.kind, d.provenance.connector])).toEqual(
      expect.arrayContaining([['email', 'oms']]),
    );
    const listed = await listCustomers(h.db, {}, { limit: 100 });
    expect(listed.customers.map((c) => c.id)).not.toContain(omsId);
    expect(listed.customers).toHaveLength((before.customers as unknown[]).length - 1);
    expect((await listDuplicates(h.db, { status: 'merged' })).map((p) => p.id)).toEqual([pair!.id]);
    await expect(mergeDuplicate(h.db, pair!.id, { by: 'user:other' })).rejects.toThrow(/already decided: merged by cli:tester/);
  });

  it('stays merged through later runs of both sources: nothing is created again', async () => {
    for (const harness of [h, never]) {
      const erp = await harness.run('erp', { inputs: [SNAPSHOT] });
      const again = await harness.run('oms');
      expect(erp.totals.created + again.totals.created).toBe(0);
    }
    const survivor = await getCustomer(h.db, { connector: 'erp', externalId: 'C1001' });
    expect(survivor.externalIds.map((e) => `${e.connector}:${e.external_id}`).sort()).toEqual(['erp:C1001', 'oms:B-200']);
    const omsRow = await h.db.db.selectFrom('customers').select(['merged_into']).where('source_id', '=', 'B-200').executeTakeFirstOrThrow();
    expect(omsRow.merged_into).toBe(survivor.customer.id);
  });

  it('undoes the merge: both customers as in a database that never merged, and the pair kept apart', async () => {
    const omsId = (await h.db.db.selectFrom('customers').select('id').where('source_id', '=', 'B-200').executeTakeFirstOrThrow()).id;
    const undone = await unmergeCustomer(h.db, omsId, { by: 'cli:tester' });
    expect(undone.mergedId).toBe(omsId);
    expect(await customerState(h.db)).toEqual(await customerState(never.db));
    expect((await listDuplicates(h.db, { status: 'kept-apart' })).map((p) => p.customers.map((c) => c.source).sort().join(' ~ '))).toEqual(['erp:C1001 ~ oms:B-200']);
    await expect(unmergeCustomer(h.db, undone.mergeId, { by: 'cli:tester' })).rejects.toThrow(/undone already by cli:tester/);
  });
});

describe('a run that merges the customer it creates into one the OMS has', () => {
  let oms: LocalOms;
  let h: SyncHarness;
  beforeAll(async () => {
    oms = await startOmsWithAcme();
    h = await startSyncHarness({
      ...erpAndOmsConfig(oms, { erp: { pushTo: ['oms'], duplicates: { autoMerge: 'strong' } } }),
      push: { coalesce: '200ms', idle: '1s', maxAttempts: 3 },
    });
  });
  afterAll(async () => {
    await h?.close();
    await oms?.close();
  });

  it('pushes it to the OMS once, as an update under its OMS id, never as a new customer', async () => {
    await h.run('oms');
    const report = await h.run('erp');
    expect(report.duplicates).toMatchObject({ merged: 1 });
    await pushesSettled(h.db, h.client, 'oms', h.temporal.taskQueue);
    const acme = [...oms.businessCustomers.values()].filter((c) => /acme/i.test(String((c as { name?: unknown }).name)));
    expect(acme).toHaveLength(1);
    const writes = oms.requests.filter((r) => r.method !== 'GET');
    expect(writes.filter((r) => (r.body as { customerId?: string } | undefined)?.customerId === 'B-200').map((r) => r.method)).toEqual(['PUT']);
    const survivor = await h.db.db.selectFrom('customers').select('id').where('source_id', '=', 'B-200').executeTakeFirstOrThrow();
    const push = await h.db.db.selectFrom('customer_pushes').selectAll().where('customer_id', '=', survivor.id).executeTakeFirstOrThrow();
    expect(push).toMatchObject({ status: 'pushed', pushes: 1, last_action: 'updated' });
    // The ERP's other customers are new to the OMS: created there.
    expect(writes.filter((r) => r.method === 'POST')).toHaveLength(3);
  });
});
