import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderRunOutcome, submitOrderEvent } from '../../src/operations/orders/submit-order-event.js';
import { buildServer } from '../../src/server/build-server.js';
import { signBody } from '../../src/server/order-webhook/webhook-signature.js';
import { planOrderSync } from '../../src/config/order-plan.js';
import { orderWorkflowId } from '../../src/domain/order-event.js';
import { freePort } from '../../src/tooling/free-port.js';
import type { RunReport } from '../../src/domain/run-types.js';
import type { OrderSyncState } from '../../src/workflows/order-sync-workflow.js';
import { startLocalOms, type LocalOms } from '../../src/tooling/local-oms.js';
import { custsync, custsyncBin, writeConfig } from '../support/run-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const SECRET = 'webhook-secret-31337';
const ASPECTS = ['name', 'contactPersons', 'addresses', 'customerAttributes', 'customerContactDetails', 'relations'];

describe('order-triggered sync through the webhook and the CLI', () => {
  let oms: LocalOms;
  let h: SyncHarness;
  let server: FastifyInstance;
  let url: string;
  let rawConfig: object;

  beforeAll(async () => {
    oms = await startLocalOms();
    oms.privateCustomers.set('P1', { customerId: 'P1', firstName: 'Kari', lastName: 'Nordmann', email: 'kari@example.no' });
    oms.privateCustomers.set('P2', { customerId: 'P2', firstName: 'Per', lastName: 'Hansen' });
    oms.businessCustomers.set('B1', { customerId: 'B1', name: 'Fjord AS', taxId: 'NO1' });
    const loyalty = join(mkdtempSync(join(tmpdir(), 'custsync-order-')), 'loyalty.jsonl');
    writeFileSync(loyalty, `${JSON.stringify({ externalId: 'P1', customerAttributes: [{ key: 'segment', value: 'gold' }] })}\n`);
    rawConfig = {
      connectors: { oms: { type: 'oms', baseUrl: oms.baseUrl }, feed: { type: 'http', baseUrl: oms.baseUrl }, loyalty: { type: 'jsonl-file', path: loyalty } },
      flows: {
        shop: {
          source: { type: 'connector', connector: 'oms', aspects: ASPECTS },
          enrichments: [{ connector: 'loyalty', aspects: ['customerAttributes'], matchBy: 'sourceId' }],
          schedule: false,
        },
        feed: { source: { type: 'connector', connector: 'feed', aspects: ['name'] }, schedule: false },
      },
    };
    h = await startSyncHarness(rawConfig);
    server = await buildServer({
      webhook: {
        secret: SECRET,
        bodyLimit: 2_048,
        defaultConnector: 'oms',
        submit: (connector, customerId, event) =>
          submitOrderEvent(h.client, h.db.db, h.temporal.taskQueue, planOrderSync(h.config, connector, customerId, { idleMs: 1_500 }), event),
      },
    });
    url = `${await server.listen({ host: '127.0.0.1', port: 0 })}/webhooks/orders`;
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
    await oms?.close();
  });

  const post = (body: unknown, signature?: string | null) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature !== null) headers['x-custsync-signature'] = signature ?? signBody(SECRET, text);
    return fetch(url, { method: 'POST', headers, body: text });
  };
  const reportOf = async (eventId: string): Promise<RunReport> => {
    const done = await orderRunOutcome(h.client, h.db.db, eventId, 30_000);
    if (done?.outcome.kind !== 'completed') throw new Error(`event ${eventId}: ${done ? JSON.stringify(done.outcome) : 'no run'}`);
    return done.outcome.report;
  };
  const runCount = async () => (await h.db.db.selectFrom('sync_runs').select('id').execute()).length;

  it('creates an unknown customer fetched from the OMS, and ignores the same event again', async () => {
    const response = await post({ eventId: 'evt-1', customerId: 'P1', orderId: 'O-1', total: 99.5 });
    expect(response.status).toBe(202);
    // The README's documented id: order/<connector>/<customer id>.
    expect(await response.json()).toEqual({ status: 'accepted', eventId: 'evt-1', workflowId: 'order/oms/P1' });
    const report = await reportOf('evt-1');
    expect(report).toMatchObject({ status: 'completed', trigger: 'order-event', totals: { created: 1 } });
    const customer = await h.db.db.selectFrom('customers').selectAll().where('source_id', '=', 'P1').executeTakeFirstOrThrow();
    expect(customer).toMatchObject({ type: 'PERSON', first_name: 'Kari', last_name: 'Nordmann', source_connector: 'oms' });
    expect(oms.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual(
      expect.arrayContaining(['/Customers/PrivateCustomers/P1', '/Customers/BusinessCustomers/P1']),
    );

    const runs = await runCount();
    const again = await post({ eventId: 'evt-1', customerId: 'P1' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate', eventId: 'evt-1', runId: report.runId });
    expect(await runCount()).toBe(runs);
  });

  it('refuses a missing or bad signature with 401 and starts nothing', async () => {
    const body = { eventId: 'evt-forged', customerId: 'B1' };
    expect((await post(body, null)).status).toBe(401);
    expect((await post(body, signBody('not-the-secret', JSON.stringify(body)))).status).toBe(401);
    expect((await post(body, 'sha256=00')).status).toBe(401);
    const forged = await h.db.db.selectFrom('order_events').select('event_id').where('event_id', '=', 'evt-forged').execute();
    expect(forged).toEqual([]);
    const started = await h.client.workflow.getHandle(orderWorkflowId('oms', 'B1')).describe().catch(() => undefined);
    expect(started).toBeUndefined();
  });

  it('refuses bodies that are too large, not JSON or not an order event', async () => {
    expect((await post({ eventId: 'evt-big', customerId: 'P2', note: 'x'.repeat(4_000) })).status).toBe(413);
    expect((await post('{"eventId": ')).status).toBe(400);
    const invalid = await post({ eventId: '', customerId: 'P2' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { detail: string }).detail).toMatch(/eventId/);
    const unknown = await post({ eventId: 'evt-x', customerId: 'P2', connector: 'crm' });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { detail: string }).detail).toMatch(/unknown connector "crm"/);
    // An http connector lists customers but cannot look one up: an order cannot name a customer of it.
    const noLookup = await post({ eventId: 'evt-feed', customerId: 'P2', connector: 'feed' });
    expect(noLookup.status).toBe(422);
    expect(((await noLookup.json()) as { detail: string }).detail).toMatch(/connector feed .*cannot look .*up.*use a connector with lookup/s);
    expect(await h.db.db.selectFrom('order_events').select('event_id').where('event_id', '=', 'evt-feed').execute()).toEqual([]);
  });

  it('updates a known customer that changed, and writes nothing for one that did not', async () => {
    oms.privateCustomers.set('P1', { customerId: 'P1', firstName: 'Kari', lastName: 'Berg', email: 'kari@example.no' });
    expect((await post({ eventId: 'evt-2', customerId: 'P1' })).status).toBe(202);
    const changed = await reportOf('evt-2');
    expect(changed.totals).toMatchObject({ created: 0, updated: 1 });
    const customer = await h.db.db.selectFrom('customers').select('last_name').where('source_id', '=', 'P1').executeTakeFirstOrThrow();
    expect(customer.last_name).toBe('Berg');

    expect((await post({ eventId: 'evt-3', customerId: 'P1' })).status).toBe(202);
    const same = await reportOf('evt-3');
    expect(same.totals).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const writes = await h.db.db.selectFrom('change_log').select('id').where('run_id', '=', same.runId).execute();
    expect(writes).toEqual([]);
  });

  it('queues concurrent orders for one customer in its one workflow: no race, one creation', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `evt-burst-${i}`);
    const answers = await Promise.all(ids.map((eventId) => post({ eventId, customerId: 'B1' })));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 202));
    const reports = await Promise.all(ids.map(reportOf));
    const runs = new Map(reports.map((r) => [r.runId, r]));
    expect([...runs.values()].reduce((n, r) => n + r.totals.created, 0)).toBe(1);
    expect([...runs.values()].every((r) => r.status === 'completed')).toBe(true);
    // The runs of one customer never overlapped: each started after the one before finished.
    const spans = await h.db.db
      .selectFrom('sync_runs')
      .select(['started_at', 'finished_at'])
      .where('id', 'in', [...runs.keys()])
      .orderBy('started_at')
      .execute();
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.started_at.getTime()).toBeGreaterThanOrEqual(spans[i - 1]!.finished_at!.getTime());
    const companies = await h.db.db.selectFrom('customers').select('id').where('source_id', '=', 'B1').execute();
    expect(companies).toHaveLength(1);

    // With nothing more to do, the customer's workflow completes, having run each event once.
    const workflow = h.client.workflow.getHandle(orderWorkflowId('oms', 'B1'));
    const state = (await workflow.result()) as OrderSyncState;
    expect(state.runs.flatMap((r) => r.eventIds).sort()).toEqual([...ids].sort());
    const recordTo = process.env.CUSTSYNC_RECORD_HISTORIES;
    if (recordTo) {
      writeFileSync(join(recordTo, 'order-sync-burst-v2.json'), historyToJSON(await workflow.fetchHistory()));
      writeFileSync(join(recordTo, 'customer-sync-order-lookup-v3.json'), historyToJSON(await h.client.workflow.getHandle(reports[0]!.runId).fetchHistory()));
    }
  });

  it('says so when the OMS does not have the customer', async () => {
    expect((await post({ eventId: 'evt-ghost', customerId: 'GHOST' })).status).toBe(202);
    const report = await reportOf('evt-ghost');
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ customers: 0, created: 0 });
    expect(report.steps[0]!.inputDetails[0]!.warnings).toEqual(['customer GHOST was not found in connector oms']);
  });

  it('custsync order syncs a customer from the command line and prints the report', async () => {
    const file = writeConfig(JSON.stringify(rawConfig));
    const env = { DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.temporal.address, CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue };
    const result = await custsync(['order', 'oms', 'P2', '--event-id', 'evt-cli-1', '--config', file], env);
    expect(result.stderr).toContain('event evt-cli-1 → order/oms/P2');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/customers: 1 merged — 1 created/);
    const again = await custsync(['order', 'oms', 'P2', '--event-id', 'evt-cli-1', '--json', '--config', file], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'duplicate', eventId: 'evt-cli-1' });
    // An event the webhook took first is a duplicate for the CLI too: one id, one run, whichever way it comes.
    expect((await post({ eventId: 'evt-both', customerId: 'P1' })).status).toBe(202);
    const viaWebhook = await reportOf('evt-both');
    const viaCli = await custsync(['order', 'oms', 'P1', '--event-id', 'evt-both', '--json', '--config', file], env);
    expect(JSON.parse(viaCli.stdout)).toEqual({ status: 'duplicate', eventId: 'evt-both', runId: viaWebhook.runId });
    const refused = await custsync(['order', 'nope', 'P2', '--config', file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/unknown connector "nope"/);
    const noSecret = await custsync(['serve', '--secret-env', 'CUSTSYNC_TEST_UNSET_SECRET', '--config', file], env);
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toMatch(/environment variable CUSTSYNC_TEST_UNSET_SECRET is not set/);
  });

  it('custsync serve takes signed webhooks until it is stopped', async () => {
    oms.privateCustomers.set('P3', { customerId: 'P3', firstName: 'Siri', lastName: 'Moe' });
    const file = writeConfig(JSON.stringify(rawConfig));
    const port = await freePort();
    const child = spawn(process.execPath, [custsyncBin(), 'serve', '--port', String(port), '--connector', 'oms', '--config', file], {
      env: { ...process.env, DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.temporal.address, CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue, CUSTSYNC_WEBHOOK_SECRET: SECRET },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('order webhooks: http')) resolve();
        });
        void exited.then((code) => reject(new Error(`serve exited with ${code}: ${err}`)));
      });
      const body = JSON.stringify({ eventId: 'evt-served-1', customerId: 'P3' });
      const answer = await fetch(`http://127.0.0.1:${port}/webhooks/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-custsync-signature': signBody(SECRET, body) },
        body,
      });
      expect(answer.status).toBe(202);
      expect((await reportOf('evt-served-1')).totals).toMatchObject({ created: 1 });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('runs beside a full run of its flow, reads only the source step and never deletes', async () => {
    oms.privateCustomers.set('P4', { customerId: 'P4', firstName: 'Liv', lastName: 'Berg' });
    // The full run lists slowly; the order for P4 is synced meanwhile, while the full run has P4 staged as a new customer.
    oms.latencyMs = 1_000;
    const full = await h.start('shop');
    try {
      expect((await post({ eventId: 'evt-beside', customerId: 'P4' })).status).toBe(202);
      const order = await reportOf('evt-beside');
      expect((await full.describe()).status.name).toBe('RUNNING');
      expect(order).toMatchObject({ status: 'completed', totals: { created: 1 } });
      expect(order.steps.map((s) => s.connector)).toEqual(['oms']);
      expect(order.deletion).toBeUndefined();
    } finally {
      oms.latencyMs = 0;
    }
    const report = await full.result();
    expect(report.status).toBe('completed');
    expect(report.steps.map((s) => s.connector)).toEqual(['oms', 'loyalty']);
    // Both runs had P4; the one that merged second updated the customer the first created: one P4.
    expect(await h.db.db.selectFrom('customers').select('id').where('source_id', '=', 'P4').execute()).toHaveLength(1);
    const attempts = ((await full.fetchHistory()).events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 1);
    expect(Math.max(...attempts)).toBe(1);
    // The order run read one customer: nobody else became missing because of it.
    const missing = await h.db.db.selectFrom('customers').select('source_id').where('missing_since', 'is not', null).execute();
    expect(missing).toEqual([]);
  });
});

