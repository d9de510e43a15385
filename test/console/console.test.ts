import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showPushStatus } from '../../src/operations/pushes.js';
import { applySchedules } from '../../src/operations/schedules/apply-schedules.js';
import { scheduleIdOf } from '../../src/operations/schedules/schedule-options.js';
import { buildServer } from '../../src/server/build-server.js';
import { consoleLinks } from '../../src/domain/console-links.js';
import { hashPassword } from '../../src/server/console/password-hash.js';
import { startLocalOms, type LocalOms } from '../../src/tooling/local-oms.js';
import type { customerSyncWorkflow } from '../../src/workflows/customer-sync-workflow.js';
import { axeViolations, launchBrowser, screenshot } from '../support/console-browser.js';
import { pushesSettled } from '../support/push-settled.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { waitForPhase } from '../support/wait-for-phase.js';

const PASSWORDS = { ana: 'ana-reviews-123', vera: 'vera-looks-456', adam: 'adam-admins-789' };
const person = (id: string, firstName: string, lastName: string, extra: object = {}) =>
  JSON.stringify({ externalId: id, type: 'PERSON', name: { firstName, lastName }, ...extra });
const company = (id: string) => JSON.stringify({ externalId: id, type: 'COMPANY', name: { companyName: `Company ${id}` } });
const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

describe('the console', () => {
  let h: SyncHarness;
  let oms: LocalOms;
  let server: FastifyInstance;
  let base: string;
  let browser: Browser;
  let ana: BrowserContext;
  let dir: string;
  const waiting: Record<'shop-a' | 'shop-b', WorkflowHandle<typeof customerSyncWorkflow> | undefined> = { 'shop-a': undefined, 'shop-b': undefined };

  const signIn = async (name: keyof typeof PASSWORDS, options: { bypassCSP?: boolean } = {}): Promise<BrowserContext> => {
    const context = await browser.newContext({ baseURL: base, ...options });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password').fill(PASSWORDS[name]);
    await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.close();
    return context;
  };
  const heldStatus = async (code: string) =>
    h.db.db.selectFrom('pending_customers').select(['status', 'decided_by']).where('source_id', '=', code).executeTakeFirstOrThrow();

  beforeAll(async () => {
    oms = await startLocalOms();
    dir = mkdtempSync(join(tmpdir(), 'custsync-console-'));
    writeFileSync(
      join(dir, 'people.jsonl'),
      lines(
        person('P1', 'Kari', 'Nordmann', {
          customerAttributes: [{ key: 'vatNumber', value: 'NO999888777' }],
          customerContactDetails: [{ kind: 'email', value: 'kari@example.no' }],
        }),
        person('P2', 'Ola', 'Hansen'),
        person('P3', 'Eva', 'Berg'),
      ),
    );
    writeFileSync(join(dir, 'nightly.jsonl'), lines(company('N1')));
    for (const shop of ['a', 'b']) writeFileSync(join(dir, `shop-${shop}.jsonl`), lines(...[1, 2, 3, 4].map((n) => company(`${shop.toUpperCase()}${n}`))));
    const shopFlow = (connector: string) => ({
      source: { type: 'connector', connector, aspects: ['name'] },
      deletion: { threshold: 10, approvalTimeout: '2h', gracePeriod: '1h' },
      schedule: false,
    });
    h = await startSyncHarness({
      connectors: {
        people: { type: 'jsonl-file', path: join(dir, 'people.jsonl') },
        'shop-a': { type: 'jsonl-file', path: join(dir, 'shop-a.jsonl') },
        'shop-b': { type: 'jsonl-file', path: join(dir, 'shop-b.jsonl') },
        nightly: { type: 'jsonl-file', path: join(dir, 'nightly.jsonl') },
        oms: { type: 'oms', baseUrl: oms.baseUrl, marketGroupId: 'MG-NO', tenantCountry: 'NO' },
      },
      flows: {
        people: {
          source: { type: 'connector', connector: 'people', aspects: ['name', 'customerAttributes', 'customerContactDetails'] },
          reviewNewCustomers: true,
          pushTo: ['oms'],
          schedule: false,
        },
        'shop-a': shopFlow('shop-a'),
        'shop-b': shopFlow('shop-b'),
        nightly: { source: { type: 'connector', connector: 'nightly', aspects: ['name'] }, schedule: { every: '24h' } },
      },
      push: { coalesce: '100ms', idle: '1s', maxAttempts: 2 },
      console: {
        loginRateLimit: 20,
        users: {
          ana: { role: 'reviewer', passwordHash: await hashPassword(PASSWORDS.ana) },
          vera: { role: 'viewer', passwordHash: await hashPassword(PASSWORDS.vera) },
          adam: { role: 'admin', passwordHash: await hashPassword(PASSWORDS.adam) },
        },
      },
    });
    expect((await h.run('people')).totals).toMatchObject({ created: 0 });
    for (const flow of ['shop-a', 'shop-b'] as const) {
      expect((await h.run(flow)).totals.created).toBe(4);
      const letter = flow.at(-1)!.toUpperCase();
      writeFileSync(join(dir, `${flow}.jsonl`), lines(company(`${letter}1`)));
      waiting[flow] = await h.start(flow);
      await waitForPhase(waiting[flow], 'awaiting-deletion-approval');
    }
    await applySchedules(h.client, h.config, h.temporal);
    server = await buildServer({
      api: { deps: { db: h.db.db, client: h.client, temporal: h.temporal, config: h.config }, tokens: [], settings: h.config.api },
      console: {
        ops: { db: h.db.db, client: h.client, temporal: h.temporal, config: h.config },
        settings: h.config.console,
        links: consoleLinks('http://127.0.0.1', h.config.console.temporalUiUrl, h.temporal.namespace),
        sessionKey: Buffer.alloc(32, 7),
        secureCookies: false,
      },
    });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    ana = await signIn('ana');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const handle of Object.values(waiting)) await handle?.terminate().catch(() => undefined);
    await h?.client.schedule.getHandle(scheduleIdOf('nightly')).delete().catch(() => undefined);
    await h?.close();
    await oms?.close();
  });

  it('asks for a sign-in, refuses a wrong password, and shows every flow with what waits', async () => {
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    await page.goto('/review');
    expect(page.url()).toBe(`${base}/login?next=%2Freview`);
    await page.getByLabel('Name').fill('ana');
    await page.getByLabel('Password').fill('not-her-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('do not match');
    await page.getByLabel('Password').fill(PASSWORDS.ana);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.url()).toBe(`${base}/review`);
    const cookie = (await context.cookies()).find((c) => c.name === 'custsync_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await page.goto('/');
    const people = page.getByRole('row', { name: /^people/ });
    await expect.poll(() => people.textContent()).toContain('3 to review');
    await expect.poll(() => page.getByRole('row', { name: /^shop-a/ }).textContent()).toMatch(/3 customers, decide in 1 h 5\d min|3 customers, decide in 2 h/);
    await screenshot(page, 'overview');
    await context.close();
    const openApi = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openApi.paths).filter((path) => !path.startsWith('/api/v1/') && !['/healthz', '/readyz'].includes(path))).toEqual([]);
  });

  it('approves one held customer and rejects another, recording who decided', async () => {
    oms.fail({ method: 'POST', status: 400, times: 1, body: { message: 'taxId rejected' } });
    const page = await ana.newPage();
    await page.goto('/review');
    await screenshot(page, 'review');
    await page.getByLabel('choose P1').check();
    await page.getByRole('button', { name: 'Approve chosen' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('approved (created): P1');
    await page.getByLabel('choose P2').check();
    await page.getByRole('button', { name: 'Reject chosen' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('rejected: P2');
    expect(await heldStatus('P1')).toEqual({ status: 'approved', decided_by: 'user:ana' });
    expect(await heldStatus('P2')).toEqual({ status: 'rejected', decided_by: 'user:ana' });
    const decided = page.getByRole('table', { name: 'Decided lately' });
    await expect.poll(() => decided.getByRole('row', { name: /^P1/ }).textContent()).toContain('user:ana');
    const created = await h.db.db.selectFrom('customers').innerJoin('change_log', 'change_log.customer_id', 'customers.id').select(['change_log.actor']).where('source_id', '=', 'P1').execute();
    expect(created).toEqual([{ actor: 'user:ana' }]);
    await page.close();
  });

  it('takes the whole review of a held customer by keyboard alone', async () => {
    const page = await ana.newPage();
    await page.goto('/review');
    const focused = () =>
      page.evaluate<string>("(() => { const el = document.activeElement; return el ? `${el.tagName}:${el.getAttribute('value') ?? el.textContent ?? ''}` : ''; })()");
    const tabTo = async (target: string) => {
      for (let i = 0; i < 60 && (await focused()) !== target; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe(target);
    };
    await tabTo('INPUT:people:P3');
    await page.keyboard.press('Space');
    await tabTo('BUTTON:approve');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('approved (created): P3');
    expect(await heldStatus('P3')).toEqual({ status: 'approved', decided_by: 'user:ana' });
    await page.close();
  });

  it('approves one waiting deletion and rejects another; each run completes as from the CLI', async () => {
    const page = await ana.newPage();
    await page.goto('/deletions');
    await screenshot(page, 'deletions');
    const sectionOf = (flow: 'shop-a' | 'shop-b') => page.locator('section', { has: page.getByRole('link', { name: waiting[flow]!.workflowId }) });
    await expect.poll(() => sectionOf('shop-a').getByRole('table').textContent()).toMatch(/A2.*A3.*A4/s);
    await sectionOf('shop-a').getByRole('button', { name: /^Approve/ }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('marks 3 customers missing');
    await sectionOf('shop-b').getByRole('button', { name: /^Reject/ }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('marks nothing missing');
    const approved = await waiting['shop-a']!.result();
    const rejected = await waiting['shop-b']!.result();
    expect(approved.deletion).toMatchObject({ status: 'approved', markedMissing: 3 });
    expect(rejected.deletion).toMatchObject({ status: 'rejected', markedMissing: 0 });
    const marks = await h.db.db.selectFrom('change_log').select('actor').where('run_id', '=', waiting['shop-a']!.workflowId).where('change', '=', 'missing').execute();
    expect(marks).toEqual([{ actor: 'user:ana' }, { actor: 'user:ana' }, { actor: 'user:ana' }]);
    const history = JSON.stringify(await waiting['shop-a']!.fetchHistory());
    const signal = /"signalName":"approveDeletions".*?"data":"([^"]+)"/s.exec(history);
    expect(JSON.parse(Buffer.from(signal![1]!, 'base64').toString('utf8'))).toMatchObject({ by: 'user:ana' });
    await page.goto(`/run?id=${encodeURIComponent(waiting['shop-a']!.workflowId)}`);
    await expect.poll(() => page.locator('dl').last().textContent()).toMatch(/Decided byuser:ana/);
    await screenshot(page, 'run');
    waiting['shop-a'] = undefined;
    waiting['shop-b'] = undefined;
    await page.close();
  });

  it('finds a customer by VAT number and shows the connector behind each value', async () => {
    const page = await ana.newPage();
    await page.goto('/customers');
    await page.getByLabel('Name, code, email or VAT number').fill('NO999888777');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('table').getByRole('row').count()).toBe(2);
    await screenshot(page, 'customers');
    await page.getByRole('link', { name: 'P1' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Customer P1');
    const values = page.getByRole('table', { name: 'Every value with its connector and run' });
    for (const aspect of ['name', 'customerAttributes', 'customerContactDetails']) {
      await expect.poll(() => values.getByRole('row', { name: new RegExp(`^${aspect}`) }).first().locator('td.connector').textContent()).toBe('people');
    }
    await screenshot(page, 'customer');
    await page.close();
  });

  it('shows a failed push with its error, and retries it for an admin only', async () => {
    await expect.poll(async () => (await showPushStatus({ db: h.db.db }, { target: 'oms' })).summary[0]?.failed, { timeout: 30_000 }).toBe(1);
    const vera = await signIn('vera');
    const viewerPage = await vera.newPage();
    await viewerPage.goto('/pushes');
    await expect.poll(() => viewerPage.getByRole('main').textContent()).toContain('Retrying needs the admin role');
    expect(await viewerPage.getByRole('table', { name: /Failed and pending/ }).textContent()).toContain('taxId rejected');
    await vera.close();
    const adam = await signIn('adam');
    const page = await adam.newPage();
    await page.goto('/pushes');
    await screenshot(page, 'pushes');
    await page.getByRole('button', { name: /^Retry/ }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('queued 1 failed push again');
    await pushesSettled(h.db, h.client, 'oms', h.temporal.taskQueue);
    expect((await showPushStatus({ db: h.db.db }, { target: 'oms' })).summary[0]).toMatchObject({ failed: 0, pushed: 2 });
    await adam.close();
  });

  it('refuses a form without its CSRF token, and a decision from a role that may not make it', async () => {
    const people = lines(
      person('P1', 'Kari', 'Nordmann', { customerAttributes: [{ key: 'vatNumber', value: 'NO999888777' }], customerContactDetails: [{ kind: 'email', value: 'kari@example.no' }] }),
      person('P2', 'Ola', 'Hansen'),
      person('P3', 'Eva', 'Berg'),
      person('P4', 'Nils', 'Dahl'),
    );
    writeFileSync(join(dir, 'people.jsonl'), people);
    await h.run('people');
    expect((await heldStatus('P2')).status).toBe('rejected'); // unchanged data: stays rejected
    const before = await heldStatus('P4');
    expect(before.status).toBe('pending');
    const page = await ana.newPage();
    await page.goto('/review');
    const token = await page.locator('input[name="_csrf"]').first().inputValue();
    const noToken = await page.request.post('/review/decide', { form: { decision: 'approve', item: 'people:P4' }, headers: { accept: 'text/html' } });
    expect(noToken.status()).toBe(403);
    expect(await noToken.text()).toContain('reload the page');
    const vera = await signIn('vera');
    const viewerPage = await vera.newPage();
    await viewerPage.goto('/review');
    const veraToken = await viewerPage.locator('input[name="_csrf"]').first().inputValue();
    const viewer = await viewerPage.request.post('/review/decide', { form: { _csrf: veraToken, decision: 'approve', item: 'people:P4' } });
    expect(viewer.status()).toBe(403);
    expect(viewer.headers()['content-type']).toMatch(/^application\/problem\+json/);
    expect(await viewer.json()).toMatchObject({ detail: 'vera is a viewer; this needs the reviewer role' });
    const stranger = await fetch(`${base}/review/decide`, { method: 'POST', body: new URLSearchParams({ _csrf: token, decision: 'approve', item: 'people:P4' }) });
    expect(stranger.status).toBe(401);
    expect(await heldStatus('P4')).toEqual(before);
    await vera.close();
    await page.close();
  });

  it('pauses, unpauses and triggers a schedule for an admin, noting who paused it', async () => {
    const adam = await signIn('adam');
    const page = await adam.newPage();
    await page.goto('/schedules');
    await page.getByRole('button', { name: 'Pause nightly' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('paused nightly');
    const paused = await h.client.schedule.getHandle(scheduleIdOf('nightly')).describe();
    expect(paused.state).toMatchObject({ paused: true, note: 'paused by user:adam in the console' });
    await expect.poll(() => page.getByRole('row', { name: /^nightly/ }).textContent()).toContain('paused by user:adam');
    await page.getByRole('button', { name: 'Unpause nightly' }).click();
    await expect.poll(async () => (await h.client.schedule.getHandle(scheduleIdOf('nightly')).describe()).state.paused).toBe(false);
    await page.getByRole('button', { name: 'Run nightly now' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('started a run of nightly');
    await expect.poll(async () => (await h.client.schedule.getHandle(scheduleIdOf('nightly')).describe()).info.recentActions.length, { timeout: 20_000 }).toBe(1);
    await screenshot(page, 'schedules');
    const vera = await signIn('vera');
    const viewerPage = await vera.newPage();
    await viewerPage.goto('/schedules');
    expect(await viewerPage.getByRole('button', { name: /Pause|Unpause/ }).count()).toBe(0);
    await vera.close();
    await adam.close();
  });

  it('has no serious or critical accessibility violation on any page', async () => {
    const context = await signIn('ana', { bypassCSP: true });
    const page = await context.newPage();
    const p1 = await h.db.db.selectFrom('customers').select('id').where('source_id', '=', 'P1').executeTakeFirstOrThrow();
    const run = await h.db.db.selectFrom('sync_runs').select('id').where('flow', '=', 'people').orderBy('started_at').executeTakeFirstOrThrow();
    const pages: Record<string, string> = {
      overview: '/',
      runs: '/runs',
      'runs-filtered': '/runs?flow=shop-a&status=completed',
      run: `/run?id=${encodeURIComponent(run.id)}`,
      review: '/review',
      'review-item': '/review/item?flow=people&code=P4',
      deletions: '/deletions',
      customers: '/customers?q=nordmann',
      customer: `/customers/${p1.id}`,
      pushes: '/pushes',
      schedules: '/schedules',
      'not-found': '/customers/not-an-id',
    };
    const found: Record<string, unknown[]> = {};
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(path);
      await screenshot(page, name);
      const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      if (serious.length) found[name] = serious;
    }
    await context.close();
    const signInPage = await (await browser.newContext({ baseURL: base, bypassCSP: true })).newPage();
    await signInPage.goto('/login');
    await screenshot(signInPage, 'login');
    const serious = (await axeViolations(signInPage)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (serious.length) found.login = serious;
    expect(found).toEqual({});
  });

  it('limits sign-in attempts per address', async () => {
    const attempt = () =>
      fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ name: 'ana', password: 'guess' }) });
    let answer = await attempt();
    for (let i = 0; i < 25 && answer.status !== 429; i++) answer = await attempt();
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
