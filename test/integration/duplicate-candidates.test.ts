import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showHeldCustomer } from '../../src/operations/review.js';
import { keepApart, listDuplicates, scanDuplicates, showDuplicate } from '../../src/operations/duplicates.js';
import type { LocalOms } from '../../src/tooling/local-oms.js';
import { erpAndOmsConfig, startOmsWithAcme } from '../support/duplicate-sources.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';


describe('duplicates across sources', () => {
  let oms: LocalOms;
  let h: SyncHarness;

  beforeAll(async () => {
    oms = await startOmsWithAcme();
    // Only a similar name in the same zip: a weak candidate.
    oms.businessCustomers.set('B-201', { customerId: 'B-201', name: 'Acme Botique', address: { city: 'New York', postalCode: '10010', countryCode: 'US' } });
    // Same zip, same first letters, another name: no candidate.
    oms.businessCustomers.set('B-202', { customerId: 'B-202', name: 'Acorn Bakery', address: { city: 'New York', postalCode: '10010', countryCode: 'US' } });
    h = await startSyncHarness(erpAndOmsConfig(oms, { oms: { duplicates: { keys: ['email', 'phone', 'name'] } } }));
  });
  afterAll(async () => {
    await h?.close();
    await oms?.close();
  });

  it('finds the customers a run creates that others already are, strong by a shared email, weak by a similar name', async () => {
    const erp = await h.run('erp');
    expect(erp.duplicates).toBeUndefined();
    const report = await h.run('oms');
    expect(report.totals.created).toBe(3);
    expect(report.duplicates).toEqual({ candidates: 3, strong: 1, merged: 0 });

    const pairs = await listDuplicates(h.db);
    const described = pairs.map((p) => [p.strength, p.customers.map((c) => c.source).sort().join(' ~ '), p.reasons.map((r) => `${r.kind}:${r.value}`)]);
    expect(described).toEqual(
      expect.arrayContaining([
        ['strong', 'erp:C1001 ~ oms:B-200', ['email:jane.roe@acme.example', 'name:zip:US:10010|ac', 'phone:+12125550101']],
        ['weak', 'erp:C1001 ~ oms:B-201', ['name:zip:US:10010|ac']],
        ['weak', 'oms:B-200 ~ oms:B-201', ['name:zip:US:10010|ac']],
      ]),
    );
    expect(pairs).toHaveLength(3);
    expect(pairs.every((p) => p.foundRunId === report.runId && p.status === 'open')).toBe(true);
  });

  it('shows a pair side by side, each value with its connector', async () => {
    const [strong] = await listDuplicates(h.db, { strength: 'strong' });
    const pair = await showDuplicate(h.db, strong!.id);
    const [erpSide] = pair.customers[0].source.startsWith('erp') ? ['left'] : ['right'];
    const name = pair.fields.find((f) => f.field === 'name.companyName')!;
    expect(name.same).toBe(false);
    expect([name.left, name.right]).toEqual(
      erpSide === 'left'
        ? [{ value: 'Acme Boutique', connector: 'erp' }, { value: 'ACME Boutique Inc.', connector: 'oms' }]
        : [{ value: 'ACME Boutique Inc.', connector: 'oms' }, { value: 'Acme Boutique', connector: 'erp' }],
    );
    expect(pair.fields.some((f) => f.field === 'contactPersons' && (f.left?.connector === 'erp' || f.right?.connector === 'erp'))).toBe(true);
  });

  it('never proposes a pair kept apart again, and refuses a second decision', async () => {
    const weak = await listDuplicates(h.db, { strength: 'weak' });
    const kept = await keepApart(h.db, weak[0]!.id, { by: 'cli:tester' });
    expect(kept).toMatchObject({ status: 'kept-apart', decidedBy: 'cli:tester' });
    await expect(keepApart(h.db, weak[0]!.id, { by: 'user:other' })).rejects.toThrow(/already decided: kept-apart by cli:tester/);
    await expect(keepApart(h.db, '999999', { by: 'user:other' })).rejects.toThrow(/no duplicate candidate 999999/);
    await expect(showDuplicate(h.db, 'x; drop table customers')).rejects.toThrow(/no duplicate candidate/);

    const counts = await scanDuplicates(h.db);
    expect(counts.newCandidates).toBe(0);
    expect((await listDuplicates(h.db)).map((p) => p.id)).not.toContain(weak[0]!.id);
    expect(await listDuplicates(h.db, { status: 'kept-apart' })).toHaveLength(1);
  });

  it('drops an open pair once the keys that made it are gone', async () => {
    oms.businessCustomers.set('B-201', { customerId: 'B-201', name: 'Zeta Logistics', address: { city: 'New York', postalCode: '10010', countryCode: 'US' } });
    await h.run('oms');
    const open = await listDuplicates(h.db);
    expect(open.map((p) => p.customers.map((c) => c.source).sort().join(' ~ '))).toEqual(['erp:C1001 ~ oms:B-200']);
  });
});

describe('a flow that merges strong duplicates itself (autoMerge: strong)', () => {
  let oms: LocalOms;
  let h: SyncHarness;
  beforeAll(async () => {
    oms = await startOmsWithAcme();
    h = await startSyncHarness(erpAndOmsConfig(oms, { oms: { duplicates: { autoMerge: 'strong' } } }));
  });
  afterAll(async () => {
    await h?.close();
    await oms?.close();
  });

  it('merges the strong pair it finds into the customer created first, leaves weak ones to the data team', async () => {
    await h.run('erp');
    const report = await h.run('oms');
    expect(report.duplicates).toEqual({ candidates: 1, strong: 1, merged: 1 });
    const erpCustomer = await h.db.db.selectFrom('external_ids').select('customer_id').where('external_id', '=', 'C1001').executeTakeFirstOrThrow();
    const omsCustomer = await h.db.db.selectFrom('external_ids').select('customer_id').where('external_id', '=', 'B-200').executeTakeFirstOrThrow();
    expect(omsCustomer.customer_id).toBe(erpCustomer.customer_id);
    const [merged] = await listDuplicates(h.db, { status: 'merged' });
    expect(merged?.decidedBy).toBe(`auto:${report.runId}`);
  });
});

describe('a new customer held for review', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custsync-held-duplicates-'));
    writeFileSync(join(dir, 'signups.jsonl'), `${JSON.stringify({ externalId: 'WS-9', type: 'COMPANY', name: { companyName: 'Acme Boutique NYC' }, customerContactDetails: [{ kind: 'email', value: 'JANE.ROE@acme.example' }] })}\n`);
    // Only the ERP and the sign-ups run here: the OMS connector is configured, never called.
    const config = erpAndOmsConfig({ baseUrl: 'http://127.0.0.1:9' });
    h = await startSyncHarness({
      connectors: { erp: config.connectors.erp, signups: { type: 'jsonl-file', path: join(dir, 'signups.jsonl') } },
      flows: {
        erp: config.flows.erp,
        signups: { source: { type: 'connector', connector: 'signups', aspects: ['name', 'customerContactDetails'] }, reviewNewCustomers: true, schedule: false },
      },
    });
    await h.run('erp');
    expect((await h.run('signups')).totals).toMatchObject({ created: 0, held: 1 });
  });
  afterAll(async () => h?.close());

  it('shows the stored customers it may be, before anyone approves it', async () => {
    const held = await showHeldCustomer(h.db, 'WS-9', { flow: 'signups' });
    expect(held.likelyDuplicates.map((d) => [d.source, d.strength, d.reasons.map((r) => r.kind)])).toEqual([['erp:C1001', 'strong', ['email']]]);
  });
});
