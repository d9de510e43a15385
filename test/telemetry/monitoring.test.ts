import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { hashPassword } from '../../src/server/console/password-hash.js';
import { METRICS } from '../../src/telemetry/metric-catalog.js';
import { freePort } from '../../src/tooling/free-port.js';
import { signedInContext } from '../support/console-server.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus-server.js';
import { custsync, startCustsync, writeConfig } from '../support/run-cli.js';
import { dropInto, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { sftpFolder, startSftpServer, type TestSftpServer } from '../support/sftp-server.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const ALERTS = fileURLToPath(new URL('../../deploy/prometheus/alerts.yml', import.meta.url));
const DASHBOARD = fileURLToPath(new URL('../../deploy/grafana/custsync.json', import.meta.url));
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const SECRETS = {
  apiToken: secret('api-token'),
  consolePassword: secret('console-password'),
  sessionKey: randomBytes(32).toString('hex'),
  webhookSecret: secret('webhook-secret'),
};
/** Personal values of the customers synced and written: never in a log. */
const PERSONAL = ['jane.roe@acme.example', 'sam.poe@acme.example', '+1 212 555 0101', 'mona.monitor@example.com', '+49 30 1234567'];

type Process = ReturnType<typeof startCustsync>;

const printed = (process: Process, text: string) =>
  vi.waitFor(
    () => {
      if (!process.stderr().includes(text)) throw new Error(`not yet printed: ${text}\n${process.stderr()}`);
    },
    { timeout: 90_000, interval: 200 },
  );

describe('a worker and serve watched by a real Prometheus, logging JSON without secrets', () => {
  let db: TestDatabase;
  let sftp: TestSftpServer;
  let env: NodeJS.ProcessEnv;
  let worker: Process;
  let serve: Process;
  let prometheus: TestPrometheus;
  let workerMetrics: string;
  let serveUrl: string;
  const cliOutput: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    sftp = await startSftpServer();
    const inbox = await sftpFolder(sftp, 'monitoring');
    dropInto(inbox, SNAPSHOT);
    const bad = join(mkdtempSync(join(tmpdir(), 'custsync-monitoring-')), 'accounts.jsonl');
    writeFileSync(bad, '{"externalId":"A1","type":"PERSON","name":{"firstName":"Ok","lastName":"Row"}}\n{"externalId":"A2","type":"ROBOT"}\n');
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      CUSTSYNC_TASK_QUEUE: `monitoring-${randomBytes(4).toString('hex')}`,
      CUSTSYNC_LOG_FORMAT: 'json',
      CUSTSYNC_TEST_SFTP_PASSWORD: sftp.password,
      CUSTSYNC_SESSION_KEY: SECRETS.sessionKey,
      CUSTSYNC_WEBHOOK_SECRET: SECRETS.webhookSecret,
      CUSTSYNC_CONFIG: writeConfig(
        JSON.stringify({
          connectors: {
            erp: {
              type: 'flat-file',
              folder: inbox,
              referenceData: join(SHARED_DATA, 'reference-data.json'),
              sftp: { host: sftp.host, port: sftp.port, username: sftp.username, passwordEnv: 'CUSTSYNC_TEST_SFTP_PASSWORD', hostKeyFingerprint: sftp.hostKeyFingerprint },
            },
            accounts: { type: 'jsonl-file', path: bad },
          },
          flows: {
            erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses', 'customerContactDetails'] }, schedule: { every: '1h' }, reviewNewCustomers: true },
            accounts: { source: { type: 'connector', connector: 'accounts', aspects: ['name'] }, schedule: { cron: ['0 6 * * 1-5'] }, maxRejectedPercent: 0 },
          },
          api: { tokens: { crm: { system: 'crm', scopes: ['read', 'write'], sha256: createHash('sha256').update(SECRETS.apiToken).digest('hex') } } },
          console: { loginRateLimit: 20, users: { mona: { role: 'reviewer', passwordHash: await hashPassword(SECRETS.consolePassword) } } },
        }),
      ),
    };
    const [workerPort, servePort] = [await freePort(), await freePort()];
    worker = startCustsync(['worker', '--metrics', `127.0.0.1:${workerPort}`], env);
    serve = startCustsync(['serve', '--port', String(servePort), '--metrics-path', '/internal/metrics'], env);
    await printed(worker, 'worker polling task queue');
    await printed(serve, 'serving at');
    workerMetrics = `http://127.0.0.1:${workerPort}/metrics`;
    serveUrl = `http://127.0.0.1:${servePort}`;
    // Watched from before the first run, as in production: a counter's first increment is an increase.
    prometheus = await startPrometheus({ 'custsync-worker': `127.0.0.1:${workerPort}`, 'custsync-serve': `127.0.0.1:${servePort}/internal/metrics` }, [ALERTS]);
    await vi.waitFor(
      async () => {
        const up = await prometheus.query('up == 1');
        if (up.length !== 2) throw new Error(`targets up: ${JSON.stringify(up)}`);
      },
      { timeout: 60_000, interval: 500 },
    );

    for (const flow of ['erp', 'accounts']) {
      const run = await custsync(['run', flow], env);
      cliOutput.push(run.stdout, run.stderr);
    }
    const write = await fetch(`${serveUrl}/api/v1/customers/crm/M1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${SECRETS.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'PERSON', name: { firstName: 'Mona', lastName: 'Monitor' }, customerContactDetails: [{ kind: 'email', value: 'mona.monitor@example.com' }, { kind: 'phone', value: '+49 30 1234567' }] }),
    });
    expect(write.status, await write.text()).toBe(201);
    expect((await fetch(`${serveUrl}/api/v1/customers/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, { headers: { authorization: `Bearer ${SECRETS.apiToken}` } })).status).toBe(404);
    expect((await fetch(`${serveUrl}/api/v1/customers`, { headers: { authorization: 'Bearer wrong-token-1234567' } })).status).toBe(401);
    const signedIn = await signedInContext(serveUrl, 'mona', SECRETS.consolePassword);
    expect((await signedIn.get('/review')).status()).toBe(200);
    await signedIn.dispose();

    // Every assertion below reads what a scrape made after the last of these events. serve reads
    // its state gauges at most every 5 s (metricsPage's minRefreshMs): a scrape more than 5 s
    // after the events answers from a read made after them, not one from just before.
    const after = Date.now() / 1_000 + 5;
    await vi.waitFor(
      async () => {
        // timestamp() of a plain selector is the scrape's time (of anything computed, the query's).
        const scraped = await prometheus.query(`timestamp(up) > ${after}`);
        if (scraped.length !== 2) throw new Error('both targets not yet scraped since the last event');
      },
      { timeout: 60_000, interval: 500 },
    );
  }, 300_000);

  afterAll(async () => {
    await prometheus?.stop();
    serve?.kill();
    worker?.kill();
    await Promise.all([serve?.done, worker?.done]);
    await sftp?.stop();
    await db?.drop();
  });

  const value = async (expr: string) => {
    const samples = await prometheus.query(expr);
    return samples.length === 1 ? samples[0]!.value : samples.length;
  };

  it('scrapes both, with the runs, customers and rejected rows the worker recorded as they happened', { timeout: 120_000 }, async () => {
    expect(await value('custsync_runs_total{flow="erp",trigger="cli",outcome="completed"}')).toBe(1);
    expect(await value('sum(custsync_runs_total{flow="accounts",outcome="failed"})')).toBe(1);
    expect(await value('sum(custsync_runs_total{flow="accounts",outcome="completed"})')).toBe(0);
    expect(await value('custsync_run_duration_seconds_count{flow="erp"}')).toBe(1);
    expect(await value('custsync_rows_rejected_total{flow="accounts",connector="accounts"}')).toBe(1);
    // Held for review: the run created none of the flat file's customers.
    expect(await value('sum(custsync_customers_total{flow="erp",change="created"})')).toBe(0);
    // The Temporal SDK's own metrics come on the worker's page.
    expect(await value('sum(temporal_num_pollers{poller_type="activity_task"}) > 0')).toBeGreaterThan(0);
    expect(await value('sum(temporal_workflow_completed_total)')).toBeGreaterThanOrEqual(1);
  });

  it("reads serve's state gauges: review queue, each flow's last success and schedule interval", { timeout: 120_000 }, async () => {
    expect(await value('custsync_review_queue_customers')).toBe(4);
    expect(await value('custsync_review_queue_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(await value('custsync_deletion_approvals_waiting')).toBe(0);
    expect(await value('time() - custsync_flow_last_success_timestamp_seconds{flow="erp"} < 600')).toBeGreaterThan(0);
    expect(await value('custsync_flow_last_success_timestamp_seconds{flow="accounts"}')).toBe(0);
    expect(await value('custsync_flow_schedule_interval_seconds{flow="erp"}')).toBe(3_600);
    expect(await value('custsync_flow_schedule_interval_seconds{flow="accounts"}')).toBe(3 * 86_400);
    expect(await value('custsync_notification_outbox_pending')).toBe(0);
  });

  it('counts requests by route pattern and status, never by URL', { timeout: 60_000 }, async () => {
    expect(await value('custsync_http_requests_total{method="GET",route="/review",status="200"}')).toBe(1);
    expect(await value('custsync_http_requests_total{method="PUT",route="/api/v1/customers/:connector/:externalId",status="201"}')).toBe(1);
    expect(await value('custsync_http_requests_total{method="GET",route="/api/v1/customers/:id",status="404"}')).toBe(1);
    expect(await value('custsync_http_requests_total{route="/api/v1/customers",status="401"}')).toBe(1);
    expect(await value('custsync_http_request_duration_seconds_count{route="/login",method="POST"}')).toBe(1);
    const page = await (await fetch(`${serveUrl}/internal/metrics`)).text();
    expect(page).not.toMatch(/route="[^"]*(M1|0000-4000)/);
    // The page is on the path asked for, and not on the default one.
    expect((await fetch(`${serveUrl}/metrics`)).status).toBe(404);
    for (const d of Object.values(METRICS)) expect(d.source === 'serve' ? page : await (await fetch(workerMetrics)).text()).toContain(`# TYPE ${d.name} `);
  });

  it('evaluates every alert rule on the real series, and fires the one for the failing flow', { timeout: 120_000 }, async () => {
    await expect
      .poll(async () => (await prometheus.rules()).flatMap((g) => g.rules).filter((r) => r.lastEvaluation.startsWith('0001')).length, { timeout: 60_000, interval: 500 })
      .toBe(0);
    const rules = (await prometheus.rules()).flatMap((g) => g.rules);
    expect(rules.length).toBe(12);
    for (const rule of rules) expect({ rule: rule.name, health: rule.health, error: rule.lastError ?? '' }).toEqual({ rule: rule.name, health: 'ok', error: '' });
    await expect.poll(() => prometheus.query('ALERTS{alertstate="firing"}').then((s) => s.map((a) => `${a.metric.alertname}/${a.metric.flow ?? ''}`)), { timeout: 60_000, interval: 500 }).toEqual([
      'CustsyncRunsFailing/accounts',
    ]);
  });

  const jsonLines = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        expect(line, 'every line of the log is JSON').toMatch(/^\{.*\}$/);
        return JSON.parse(line) as Record<string, unknown>;
      });

  it("answers every query of the Grafana dashboard, with data for the runs' panels", { timeout: 60_000 }, async () => {
    const panels = (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] }).panels;
    const answered: Record<string, number> = {};
    for (const panel of panels) for (const target of panel.targets ?? []) answered[`${panel.title}: ${target.expr}`] = (await prometheus.query(target.expr)).length;
    expect(Object.keys(answered).length).toBeGreaterThan(20);
    const withData = (title: string) => Object.entries(answered).filter(([key, n]) => key.startsWith(title) && n > 0).length;
    expect(withData('Runs finished per hour')).toBe(1);
    expect(withData('Held for review')).toBe(1);
    expect(withData('Workers up and activity pollers')).toBe(2);
  });

  it('writes JSON lines naming flow, run, activity and request, with no secret or personal value in any log', () => {
    const lines = jsonLines(worker.stderr());
    const finished = lines.find((l) => l.msg === 'run finished' && l.flow === 'erp');
    expect(finished).toMatchObject({ level: 'info', activity: 'finishRun', attempt: 1, trigger: 'cli', status: 'completed' });
    expect(String(finished!.workflowId)).toMatch(/^sync\/erp\//);
    expect(lines.find((l) => String(l.msg).startsWith('run failed: accounts.jsonl: 1 of 2 rows rejected') && l.flow === 'accounts')).toMatchObject({ level: 'warn', activity: 'finishRun' });
    const requests = jsonLines(serve.stderr());
    const write = requests.find((l) => (l.req as { url?: string } | undefined)?.url === '/api/v1/customers/crm/M1');
    expect(write?.level).toBe('info');
    expect(write?.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const logs = { worker: worker.stdout() + worker.stderr(), serve: serve.stdout() + serve.stderr(), cli: cliOutput.join('\n'), prometheus: prometheus.stderr() };
    for (const [name, text] of Object.entries(logs)) {
      for (const known of [...Object.values(SECRETS), sftp.password, ...PERSONAL]) expect(text.includes(known), `${known} in the ${name} log`).toBe(false);
    }
  });
});
