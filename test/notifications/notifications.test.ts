import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationTargets } from '../../src/operations/notifications.js';
import { buildServer } from '../../src/server/build-server.js';
import { consoleLinks } from '../../src/domain/console-links.js';
import { startLocalOms, type LocalOms } from '../../src/tooling/local-oms.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { waitForPhase } from '../support/wait-for-phase.js';

const CONSOLE = 'https://console.example';

interface Received {
  path: string;
  body: { event?: string; text: string; link?: string };
  at: number;
}

/** A webhook receiver on 127.0.0.1: `/oncall` takes everything, `/flaky` refuses each message's first attempt, `/down` refuses all. */
async function startReceiver(): Promise<{ url: string; received: Received[]; refused: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const refused: Received[] = [];
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const entry: Received = { path: req.url ?? '', body: JSON.parse(raw) as Received['body'], at: Date.now() };
      const refuse = req.url === '/down' || (req.url === '/flaky' && !seen.has(raw));
      seen.add(raw);
      (refuse ? refused : received).push(entry);
      res.writeHead(refuse ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, refused, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('notifications', () => {
  let h: SyncHarness;
  let oms: LocalOms;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dir: string;
  const at = (path: string, event?: string) => receiver.received.filter((r) => r.path === path && (event === undefined || r.body.event === event));

  beforeAll(async () => {
    receiver = await startReceiver();
    oms = await startLocalOms();
    process.env.CUSTSYNC_TEST_ONCALL_URL = `${receiver.url}/oncall`;
    process.env.CUSTSYNC_TEST_CHAT_URL = `${receiver.url}/flaky`;
    process.env.CUSTSYNC_TEST_BROKEN_URL = `${receiver.url}/down`;
    dir = mkdtempSync(join(tmpdir(), 'custsync-notify-'));
    const companies = (...ids: string[]) => ids.map((id) => JSON.stringify({ externalId: id, type: 'COMPANY', name: { companyName: `Company ${id}` } })).join('\n') + '\n';
    writeFileSync(join(dir, 'bad.jsonl'), `${companies('X1')}{"externalId": "X2", "type": "COMPANY", "name": \n`);
    writeFileSync(join(dir, 'shop.jsonl'), companies('S1', 'S2', 'S3', 'S4'));
    writeFileSync(join(dir, 'people.jsonl'), companies('N1', 'N2'));
    writeFileSync(join(dir, 'accounts.jsonl'), companies('A1'));
    const source = (connector: string) => ({ type: 'connector', connector, aspects: ['name'] });
    h = await startSyncHarness({
      connectors: {
        bad: { type: 'jsonl-file', path: join(dir, 'bad.jsonl') },
        shop: { type: 'jsonl-file', path: join(dir, 'shop.jsonl') },
        people: { type: 'jsonl-file', path: join(dir, 'people.jsonl') },
        accounts: { type: 'jsonl-file', path: join(dir, 'accounts.jsonl') },
        oms: { type: 'oms', baseUrl: oms.baseUrl, marketGroupId: 'MG-NO', tenantCountry: 'NO' },
      },
      flows: {
        bad: { source: source('bad'), maxRejectedPercent: 0, schedule: false },
        shop: { source: source('shop'), deletion: { threshold: 10, approvalTimeout: '5s' }, schedule: false },
        people: { source: source('people'), reviewNewCustomers: true, schedule: false },
        accounts: { source: source('accounts'), pushTo: ['oms'], schedule: false },
      },
      push: { coalesce: '100ms', idle: '1s', maxAttempts: 2 },
      console: { publicUrl: CONSOLE },
      notifications: {
        targets: {
          oncall: { type: 'webhook', urlEnv: 'CUSTSYNC_TEST_ONCALL_URL' },
          chat: { type: 'slack', urlEnv: 'CUSTSYNC_TEST_CHAT_URL' },
          broken: { type: 'webhook', urlEnv: 'CUSTSYNC_TEST_BROKEN_URL' },
        },
        events: {
          'run-failed': ['oncall'],
          'schedule-failing': ['oncall'],
          'deletion-approval-waiting': ['oncall'],
          'deletion-approval-reminder': ['oncall'],
          'customers-held': ['oncall', 'chat'],
          'pushes-failing': ['oncall', 'broken'],
        },
        reminderBefore: '3s',
        repeatedFailures: 3,
        maxAttempts: 2,
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await oms?.close();
    await receiver?.close();
    for (const name of ['CUSTSYNC_TEST_ONCALL_URL', 'CUSTSYNC_TEST_CHAT_URL', 'CUSTSYNC_TEST_BROKEN_URL']) delete process.env[name];
  });

  it('tells of each failed run, and once of a schedule failing three times in a row', async () => {
    const runIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const handle = await h.start('bad', { input: { trigger: 'schedule' } });
      await expect(handle.result()).rejects.toThrow();
      runIds.push(handle.workflowId);
    }
    await expect.poll(() => at('/oncall', 'run-failed').length, { timeout: 20_000 }).toBe(4);
    await expect.poll(() => at('/oncall', 'schedule-failing').length, { timeout: 20_000 }).toBe(1);
    const failed = at('/oncall', 'run-failed').find((r) => r.body.link?.includes(encodeURIComponent(runIds[0]!)));
    expect(failed?.body).toMatchObject({ link: `${CONSOLE}/run?id=${encodeURIComponent(runIds[0]!)}` });
    expect(failed?.body.text).toMatch(/^Run .* of flow bad \(schedule\) failed: /);
    const streak = at('/oncall', 'schedule-failing')[0]!;
    expect(streak.body).toMatchObject({ text: `The last 3 scheduled runs of flow bad failed (latest: ${runIds[2]}).`, link: `${CONSOLE}/runs?flow=bad&status=failed` });
  });

  it('tells of deletions waiting for approval, reminds before the timeout, and the run goes on', async () => {
    await h.run('shop');
    writeFileSync(join(dir, 'shop.jsonl'), `${JSON.stringify({ externalId: 'S1', type: 'COMPANY', name: { companyName: 'Company S1' } })}\n`);
    const handle = await h.start('shop');
    await waitForPhase(handle, 'awaiting-deletion-approval');
    await expect.poll(() => at('/oncall', 'deletion-approval-waiting').length, { timeout: 20_000 }).toBe(1);
    const waiting = at('/oncall', 'deletion-approval-waiting')[0]!;
    expect(waiting.body).toMatchObject({ link: `${CONSOLE}/deletions#${encodeURIComponent(handle.workflowId)}` });
    expect(waiting.body.text).toContain('to mark 3 customers of 4 missing');
    await expect.poll(() => at('/oncall', 'deletion-approval-reminder').length, { timeout: 20_000 }).toBe(1);
    const report = await handle.result();
    expect(report.deletion).toMatchObject({ status: 'timed-out', markedMissing: 0 });
    expect(at('/oncall', 'deletion-approval-reminder')[0]!.at).toBeLessThan(Date.now());
  });

  it('tells of held customers once per run, retries a receiver answering 500, and the sync does not wait for it', async () => {
    const started = Date.now();
    const report = await h.run('people');
    const finished = Date.now();
    expect(report.status).toBe('completed');
    await expect.poll(() => at('/oncall', 'customers-held').length, { timeout: 20_000 }).toBe(1);
    expect(at('/oncall', 'customers-held')[0]!.body).toMatchObject({ text: `2 new customers from run ${report.runId} of flow people wait for review.`, link: `${CONSOLE}/review?flow=people` });
    await expect.poll(() => at('/flaky').length, { timeout: 30_000 }).toBe(1);
    const chat = at('/flaky')[0]!;
    expect(chat.body.text).toBe(`2 new customers from run ${report.runId} of flow people wait for review. <${CONSOLE}/review?flow=people|Open in custsync>`);
    expect(receiver.refused.filter((r) => r.path === '/flaky')).toHaveLength(1);
    // The run completed before the retried message got through (its backoff is 5 s).
    expect(finished - started).toBeLessThan(chat.at - started);
    // A run queues its notifications before it completes: the second one queued none of its own.
    const second = await h.run('people');
    const queued = await h.db.db.selectFrom('notification_outbox').select(['dedupe_key']).where('event', '=', 'customers-held').where('target', '=', 'oncall').execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]!.dedupe_key).not.toContain(second.runId);
    expect(at('/oncall', 'customers-held')).toHaveLength(1);
  });

  it('tells of failing pushes; a target that keeps refusing is given up on and shown failing in the console', async () => {
    oms.fail({ method: 'POST', status: 400, times: 1, body: { message: 'taxId rejected' } });
    const report = await h.run('accounts');
    expect(report.status).toBe('completed');
    await expect.poll(() => at('/oncall', 'pushes-failing').length, { timeout: 30_000 }).toBe(1);
    expect(at('/oncall', 'pushes-failing')[0]!.body).toMatchObject({ link: `${CONSOLE}/pushes?target=oms` });
    expect(at('/oncall', 'pushes-failing')[0]!.body.text).toMatch(/^1 push to oms failed: .*400/);
    await expect.poll(async () => (await notificationTargets({ db: h.db.db })).find((t) => t.target === 'broken')?.failed, { timeout: 30_000 }).toBe(1);
    const broken = (await notificationTargets({ db: h.db.db })).find((t) => t.target === 'broken')!;
    expect(broken.lastError).toBe('target broken answered 500 Internal Server Error (gave up after 2 attempts)');
    expect(broken.lastError).not.toContain('127.0.0.1');
    const server: FastifyInstance = await buildServer({
      console: {
        ops: { db: h.db.db, client: h.client, temporal: h.temporal, config: h.config },
        settings: { ...h.config.console, trustedHeader: { name: 'X-Test-User', defaultRole: 'viewer' } },
        links: consoleLinks(CONSOLE, h.config.console.temporalUiUrl, h.temporal.namespace),
        sessionKey: Buffer.alloc(32, 1),
        secureCookies: true,
      },
    });
    try {
      const base = await server.listen({ host: '127.0.0.1', port: 0 });
      const overview = await (await fetch(`${base}/`, { headers: { 'x-test-user': 'ops' } })).text();
      expect(overview).toMatch(/<th scope="row">broken<\/th><td>0<\/td><td>0<\/td><td>0<\/td><td class="status-failed">1<\/td><td>target broken answered 500/);
    } finally {
      await server.close();
    }
  });
});
