import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePushes } from '../../src/db/repositories/customer-pushes.js';
import { pushWorkflowId } from '../../src/domain/push-target.js';
import { wakePushTarget } from '../../src/temporal/wake-workflows.js';
import { startLocalOms, type LocalOms } from '../../src/tooling/local-oms.js';
import { custsync, writeConfig } from '../support/run-cli.js';
import { pushesSettled } from '../support/push-settled.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { activityGate } from '../support/activity-gate.js';

const ASPECTS = ['name', 'contactPersons', 'addresses', 'customerAttributes', 'customerContactDetails', 'relations'];

const KARI = {
  externalId: 'K1',
  type: 'PERSON',
  name: { firstName: 'Kari', lastName: 'Nordmann' },
  customerContactDetails: [
    { kind: 'email', value: 'kari@example.no' },
    { kind: 'mobile', value: '+4790000001' },
  ],
  addresses: [{ code: 'main', type: 'billing', line1: 'Storgata 1', city: 'Oslo', zip: '0155' }],
  customerAttributes: [{ key: 'loyaltyId', value: 'L-1' }],
};
const HOLDING = { externalId: 'H1', type: 'COMPANY', name: { companyName: 'Fjord Holding AS' }, customerAttributes: [{ key: 'vatNumber', value: 'NO1' }] };
const BRANCH = {
  externalId: 'H2',
  type: 'COMPANY',
  name: { companyName: 'Fjord Nord' },
  relations: { parentExternalId: 'H1', relationType: 'Parent' },
  contactPersons: [{ id: 'C1', firstName: 'Ola', lastName: 'Hansen', email: 'ola@fjord.no' }],
};

describe('outbound push to an OMS', () => {
  let oms: LocalOms;
  let h: SyncHarness;
  const gate = activityGate();
  let crmFile: string;
  let heldFile: string;
  let erpFile: string;
  let rawConfig: object;
  const writeCrm = (...records: object[]) => writeFileSync(crmFile, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const idOf = async (connector: string, externalId: string) =>
    (
      await h.db.db
        .selectFrom('external_ids')
        .select('customer_id')
        .where('connector', '=', connector)
        .where('external_id', '=', externalId)
        .executeTakeFirstOrThrow()
    ).customer_id;
  /** Waits until the target's push workflow has nothing pending and has completed. */
  const settled = () => pushesSettled(h.db, h.client, 'oms', h.temporal.taskQueue);
  const writes = () => oms.requests.filter((r) => r.method !== 'GET');
  /** Queues Kari's push with a scripted OMS fault and waits until the pushes settle; her customer id. */
  const pushKariThrough = async (fault: Parameters<LocalOms['fail']>[0], runId: string) => {
    oms.requests.length = 0;
    const kariId = await idOf('crm', 'K1');
    oms.fail(fault);
    await queuePushes(h.db.db, 'oms', [kariId], runId);
    await wakePushTarget(h.client, h.temporal.taskQueue, 'oms', h.config.push);
    await settled();
    return kariId;
  };

  beforeAll(async () => {
    oms = await startLocalOms();
    crmFile = join(mkdtempSync(join(tmpdir(), 'custsync-push-')), 'crm.jsonl');
    writeCrm(KARI, HOLDING, BRANCH);
    erpFile = join(mkdtempSync(join(tmpdir(), 'custsync-push-erp-')), 'erp.jsonl');
    writeFileSync(erpFile, JSON.stringify({ externalId: 'SHOP-1', customerContactDetails: [{ kind: 'email', value: 'nina@erp.example' }] }) + '\n');
    heldFile = join(mkdtempSync(join(tmpdir(), 'custsync-push-held-')), 'prospects.jsonl');
    writeFileSync(heldFile, JSON.stringify({ externalId: 'R1', type: 'COMPANY', name: { companyName: 'Reviewed AS' } }) + '\n');
    rawConfig = {
      connectors: {
        crm: { type: 'jsonl-file', path: crmFile },
        prospects: { type: 'jsonl-file', path: heldFile },
        oms: { type: 'oms', baseUrl: oms.baseUrl, marketGroupId: 'MG-NO', tenantCountry: 'NO' },
        erp: { type: 'jsonl-file', path: erpFile },
      },
      flows: {
        crm: { source: { type: 'connector', connector: 'crm', aspects: ASPECTS }, schedule: false, pushTo: ['oms'] },
        shop: { source: { type: 'connector', connector: 'oms', aspects: ASPECTS }, schedule: false, pushTo: ['oms'] },
        'shop-erp': {
          source: { type: 'connector', connector: 'oms', aspects: ASPECTS },
          enrichments: [{ connector: 'erp', aspects: ['customerContactDetails'], matchBy: 'sourceId' }],
          schedule: false,
          pushTo: ['oms'],
        },
        prospects: { source: { type: 'connector', connector: 'prospects', aspects: ['name'] }, schedule: false, reviewNewCustomers: true, pushTo: ['oms'] },
      },
      push: { coalesce: '300ms', idle: '1s', maxAttempts: 3 },
    };
    h = await startSyncHarness(rawConfig, { interceptors: gate.interceptors });
  });
  afterAll(async () => {
    await h?.close();
    await oms?.close();
  });

  it('creates customers the OMS does not have, mapped field by field, and stores the ids it returns', async () => {
    const report = await h.run('crm');
    expect(report.totals).toMatchObject({ created: 3 });
    await settled();
    const posts = writes().filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path).sort()).toEqual(['/Customers/BusinessCustomers', '/Customers/BusinessCustomers', '/Customers/PrivateCustomers']);
    // Whichever of the holding and its sub-department was created first is updated to name the other.
    const [holding, branch] = [await idOf('crm', 'H1'), await idOf('crm', 'H2')];
    const omsIds = await h.db.db.selectFrom('external_ids').select(['external_id', 'customer_id']).where('connector', '=', 'oms').execute();
    const omsIdOf = (id: string) => omsIds.find((i) => i.customer_id === id)!.external_id;
    const updated = writes().filter((r) => r.method === 'PUT').map((r) => (r.body as { customerId: string }).customerId);
    expect(updated.length).toBeGreaterThan(0);
    expect(updated.every((id) => [omsIdOf(holding), omsIdOf(branch)].includes(id))).toBe(true);
    expect(oms.businessCustomers.get(omsIdOf(holding))).toMatchObject({
      name: 'Fjord Holding AS',
      taxId: 'NO1',
      isParentCompany: true,
      customerRelations: [{ customerId: omsIdOf(branch), relationType: 'SubDepartment' }],
    });
    expect(oms.businessCustomers.get(omsIdOf(branch))).toMatchObject({
      customerRelations: [{ customerId: omsIdOf(holding), relationType: 'Parent' }],
      contacts: [{ id: 'C1', firstName: 'Ola', lastName: 'Hansen', email: 'ola@fjord.no', privateCustomerId: branch }],
    });
    const kariId = await idOf('crm', 'K1');
    const kari = posts.find((r) => r.path === '/Customers/PrivateCustomers')!.body;
    expect(kari).toMatchObject({
      customerId: kariId,
      firstName: 'Kari',
      lastName: 'Nordmann',
      fullName: 'Kari Nordmann',
      email: 'kari@example.no',
      phone: '+4790000001',
      address: { line1: 'Storgata 1', city: 'Oslo', postalCode: '0155', countryCode: 'NO' },
      customerNumber: 'L-1',
      marketGroupId: 'MG-NO',
    });
    // Each customer now has the id the OMS gave it as its external id there.
    expect(omsIds).toHaveLength(3);
    expect(omsIds.find((i) => i.customer_id === kariId)!.external_id).toMatch(/^OMS-\d$/);
    const status = await custsync(['push', 'status', '--json', '--config', writeConfig(JSON.stringify(rawConfig))], { DATABASE_URL: h.db.url });
    expect(JSON.parse(status.stdout)).toMatchObject({ summary: [{ target: 'oms', pushed: 3, pending: 0, failed: 0 }], problems: [] });
    // A run's changes are final: its pushes start at once, with no gathering wait before the first pass.
    const history = await h.client.workflow.getHandle(pushWorkflowId('oms', h.temporal.taskQueue)).fetchHistory();
    const kinds = (history.events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')));
    expect(kinds.indexOf('activityTaskScheduledEventAttributes')).toBeGreaterThan(0);
    expect(kinds.slice(0, kinds.indexOf('activityTaskScheduledEventAttributes'))).not.toContain('timerStartedEventAttributes');
    const recordTo = process.env.CUSTSYNC_RECORD_HISTORIES;
    if (recordTo) writeFileSync(join(recordTo, 'push-target-run-wake-v2.json'), historyToJSON(history));
  });

  it('updates a customer the OMS has (PUT with its OMS id); an unchanged run pushes nothing', async () => {
    oms.requests.length = 0;
    writeCrm({ ...KARI, name: { firstName: 'Kari', lastName: 'Berg' } }, HOLDING, BRANCH);
    expect((await h.run('crm')).totals).toMatchObject({ updated: 1 });
    await settled();
    const kariOmsId = (await h.db.db.selectFrom('external_ids').select('external_id').where('connector', '=', 'oms').where('customer_id', '=', await idOf('crm', 'K1')).executeTakeFirstOrThrow()).external_id;
    expect(writes().map((r) => [r.method, r.path, (r.body as { customerId: string }).customerId, (r.body as { lastName: string }).lastName])).toEqual([
      ['PUT', '/Customers/PrivateCustomers', kariOmsId, 'Berg'],
    ]);
    expect(oms.privateCustomers.get(kariOmsId)).toMatchObject({ lastName: 'Berg' });

    oms.requests.length = 0;
    expect((await h.run('crm')).totals).toMatchObject({ unchanged: 3 });
    await settled();
    expect(writes()).toEqual([]);
  });

  it('pushes both parents when a sub-department moves, with their sub-departments', async () => {
    oms.requests.length = 0;
    const OTHER = { externalId: 'H3', type: 'COMPANY', name: { companyName: 'Vik AS' } };
    writeCrm({ ...KARI, name: { firstName: 'Kari', lastName: 'Berg' } }, HOLDING, { ...BRANCH, relations: { parentExternalId: 'H3', relationType: 'Parent' } }, OTHER);
    await h.run('crm');
    await settled();
    const omsIdOf = async (code: string) =>
      (await h.db.db.selectFrom('external_ids').select('external_id').where('connector', '=', 'oms').where('customer_id', '=', await idOf('crm', code)).executeTakeFirstOrThrow()).external_id;
    const [h1, h2, h3] = [await omsIdOf('H1'), await omsIdOf('H2'), await omsIdOf('H3')];
    expect(oms.businessCustomers.get(h1)).toMatchObject({ customerRelations: [], isParentCompany: false });
    expect(oms.businessCustomers.get(h2)).toMatchObject({ customerRelations: [{ customerId: h3, relationType: 'Parent' }] });
    // H3 was created in this run: its sub-department is in its create or in an update after it.
    expect(oms.businessCustomers.get(h3)).toMatchObject({ customerRelations: [{ customerId: h2, relationType: 'SubDepartment' }], isParentCompany: true });
  });

  it('coalesces quick successive changes of a customer into one push', async () => {
    oms.requests.length = 0;
    const kariId = await idOf('crm', 'K1');
    // However slow this loop, no push starts before all five changes are queued.
    gate.close('pushPending');
    const firstWake = Date.now();
    for (let i = 0; i < 5; i++) {
      await queuePushes(h.db.db, 'oms', [kariId], `burst-${i}`);
      await wakePushTarget(h.client, h.temporal.taskQueue, 'oms', h.config.push);
    }
    gate.open('pushPending');
    await settled();
    expect(writes().map((r) => r.method)).toEqual(['PUT']);
    // The push waited out the coalescing window (300 ms) after the first change.
    expect(writes()[0]!.at - firstWake).toBeGreaterThanOrEqual(300);
    const row = await h.db.db.selectFrom('customer_pushes').selectAll().where('customer_id', '=', kariId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pushed', queued_run_id: 'burst-4' });
  });

  it('retries 5xx with backoff, shows a refused push as failed, and pushes it after push retry', async () => {
    const kariId = await pushKariThrough({ method: 'PUT', status: 503, times: 2 }, 'flaky');
    expect(writes().map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
    // Backing off: about 1 s, then about 2 s between the attempts.
    const [first, second, third] = writes().map((r) => r.at);
    expect(second! - first!).toBeGreaterThanOrEqual(900);
    expect(third! - second!).toBeGreaterThanOrEqual(1_800);
    expect(third! - second!).toBeGreaterThan(second! - first!);
    const recordTo = process.env.CUSTSYNC_RECORD_HISTORIES;
    if (recordTo) {
      const history = await h.client.workflow.getHandle(pushWorkflowId('oms', h.temporal.taskQueue)).fetchHistory();
      writeFileSync(join(recordTo, 'push-target-backoff-v2.json'), historyToJSON(history));
    }
    expect(await h.db.db.selectFrom('customer_pushes').select(['status', 'attempts']).where('customer_id', '=', kariId).executeTakeFirstOrThrow()).toEqual({
      status: 'pushed',
      attempts: 0,
    });

    oms.fail({ method: 'PUT', status: 400, body: { error: 'email is not allowed' } });
    await queuePushes(h.db.db, 'oms', [kariId], 'refused');
    await wakePushTarget(h.client, h.temporal.taskQueue, 'oms', h.config.push);
    await settled();
    const file = writeConfig(JSON.stringify(rawConfig));
    const env = { DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.temporal.address, CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue };
    const status = await custsync(['push', 'status', '--config', file], env);
    expect(status.stdout).toMatch(/FAILED oms K1 .*1 attempt\(s\).*PUT .*\/Customers\/PrivateCustomers: 400 .*email is not allowed/);

    const retry = await custsync(['push', 'retry', 'oms', '--config', file], env);
    expect(retry.stdout).toContain('1 failed push(es) queued again for oms');
    await settled();
    const after = await h.db.db.selectFrom('customer_pushes').select(['status', 'last_error']).where('customer_id', '=', kariId).executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'pushed', last_error: null });
  });

  it('waits as Retry-After says on a 429, then pushes', async () => {
    const kariId = await pushKariThrough({ method: 'PUT', status: 429, headers: { 'retry-after': '2' } }, 'limited');
    const [limited, pushed] = writes().map((r) => r.at);
    expect(writes()).toHaveLength(2);
    expect(pushed! - limited!).toBeGreaterThanOrEqual(1_900);
    expect(await h.db.db.selectFrom('customer_pushes').select('status').where('customer_id', '=', kariId).executeTakeFirstOrThrow()).toEqual({ status: 'pushed' });
  });

  it('marks a push failed once push.maxAttempts attempts failed, with the last error', async () => {
    const kariId = await pushKariThrough({ method: 'PUT', status: 502, times: 3 }, 'down');
    expect(writes()).toHaveLength(3);
    const row = await h.db.db.selectFrom('customer_pushes').select(['status', 'attempts', 'last_error']).where('customer_id', '=', kariId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row.last_error).toMatch(/PUT .*\/Customers\/PrivateCustomers: 502/);
    oms.clearFaults();
    await queuePushes(h.db.db, 'oms', [kariId], 'up-again');
    await wakePushTarget(h.client, h.temporal.taskQueue, 'oms', h.config.push);
    await settled();
  });

  it('pushes a few at a time: never more than push.concurrency at once', async () => {
    const ids = await Promise.all(['K1', 'H1', 'H2', 'H3'].map((code) => idOf('crm', code)));
    oms.latencyMs = 300;
    oms.maxInFlight = 0;
    try {
      await queuePushes(h.db.db, 'oms', ids, 'all-at-once');
      await wakePushTarget(h.client, h.temporal.taskQueue, 'oms', { ...h.config.push, concurrency: 2 });
      await settled();
    } finally {
      oms.latencyMs = 0;
    }
    expect(oms.maxInFlight).toBe(2);
  });

  it('never echoes a change that came from the OMS back to it', async () => {
    // The OMS now has every customer (pushed above), one of them changed there, and one customer only it has.
    const kariOmsId = (await h.db.db.selectFrom('external_ids').select('external_id').where('connector', '=', 'oms').where('customer_id', '=', await idOf('crm', 'K1')).executeTakeFirstOrThrow()).external_id;
    oms.privateCustomers.set(kariOmsId, { ...oms.privateCustomers.get(kariOmsId), email: 'kari.berg@example.no' });
    oms.privateCustomers.set('SHOP-1', { customerId: 'SHOP-1', firstName: 'Nina', lastName: 'Dahl' });
    oms.requests.length = 0;
    const report = await h.run('shop');
    expect(report.totals.created).toBe(1);
    expect(report.totals.updated).toBeGreaterThan(0);
    await settled();
    expect(writes()).toEqual([]);
    const echoes = await h.db.db.selectFrom('customer_pushes').select('customer_id').where('queued_run_id', '=', report.runId).execute();
    expect(echoes).toEqual([]);
  });

  it('pushes a change another system made to a customer that came from the OMS', async () => {
    oms.requests.length = 0;
    const report = await h.run('shop-erp');
    expect(report.totals.updated).toBe(1);
    await settled();
    expect(writes().map((r) => [r.method, (r.body as { customerId: string; email: string }).customerId, (r.body as { email: string }).email])).toEqual([
      ['PUT', 'SHOP-1', 'nina@erp.example'],
    ]);
    expect(oms.privateCustomers.get('SHOP-1')).toMatchObject({ email: 'nina@erp.example' });
  });

  it('pushes a customer the data team approves from review', async () => {
    expect((await h.run('prospects')).totals).toMatchObject({ held: 1 });
    oms.requests.length = 0;
    const env = { DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.temporal.address, CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue };
    const approved = await custsync(['review', 'approve', 'R1', '--flow', 'prospects', '--config', writeConfig(JSON.stringify(rawConfig))], env);
    expect(approved.stdout).toContain('queued for push to oms');
    await settled();
    expect(writes().map((r) => [r.method, (r.body as { name: string }).name])).toEqual([['POST', 'Reviewed AS']]);
  });
});
