import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { request as playwrightRequest } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../../src/domain/text-limits.js';
import { resolveApiTokens } from '../../src/server/api-tokens.js';
import { hashPassword } from '../../src/server/console/password-hash.js';
import { csrfIn, startConsoleServer } from '../support/console-server.js';
import { writeFingerprint } from '../support/db-state.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKEN = 'hostile-token-1';
const PASSWORD = 'ana-reviews-123';

describe('the server against hostile input', () => {
  let h: SyncHarness;
  let server: FastifyInstance;
  let base: string;
  const consoleOf = (passwordHash: string) =>
    startConsoleServer(h, {
      tokens: resolveApiTokens(h.config.api, {}),
      settings: { ...h.config.console, users: { ana: { role: 'reviewer', passwordHash } } },
      sessionKeyByte: 3,
    });
  const send = async (method: string, path: string, options: { body?: string | Buffer; token?: boolean; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== false) headers.authorization = `Bearer ${TOKEN}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${base}${path}`, { method, headers, redirect: 'manual', ...(options.body !== undefined ? { body: options.body } : {}) });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const databaseState = () => writeFingerprint(h.db, ['customers', 'change_log', 'customer_attributes', 'customer_contact_details']);

  beforeAll(async () => {
    const erpFile = join(mkdtempSync(join(tmpdir(), 'custsync-hostile-')), 'erp.jsonl');
    writeFileSync(erpFile, '');
    h = await startSyncHarness({
      connectors: { erp: { type: 'jsonl-file', path: erpFile } },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'customerAttributes'] }, schedule: false } },
      api: { rateLimit: 100_000, cors: { origins: ['https://app.example.com'] }, tokens: { crm: { system: 'crm', scopes: ['read', 'write', 'admin'], sha256: sha256(TOKEN) } } },
      console: { loginRateLimit: 100 },
    });
    ({ app: server, url: base } = await consoleOf(await hashPassword(PASSWORD)));
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it('refuses JSON nested thousands deep with a 400, before any walk over it, token or not', async () => {
    const deep = `${'['.repeat(7_000)}${']'.repeat(7_000)}`;
    const withToken = await send('PUT', '/api/v1/customers/crm/D1', { body: deep });
    expect(withToken.status).toBe(400);
    expect(withToken.text).toContain('nests objects and arrays 7000 deep');
    const without = await send('PUT', '/api/v1/customers/crm/D1', { body: deep, token: false });
    expect(without.status).toBe(401);
    const nested = `{"name": {"firstName": ${'{"a":'.repeat(40)}1${'}'.repeat(40)}}}`;
    expect((await send('PUT', '/api/v1/customers/crm/D1', { body: nested })).status).toBe(400);
  });

  it('refuses over-long values with a 4xx naming the field, and stores nothing; values at the limit are stored and indexed', async () => {
    const before = await databaseState();
    const long = 'x'.repeat(3_000);
    for (const body of [
      { name: { firstName: long } },
      { customerAttributes: [{ key: long, value: 'v' }] },
      { customerAttributes: [{ key: 'note', value: long }] },
      { customerAttributes: [{ key: 'tags', value: Array.from({ length: 40 }, () => 'ü'.repeat(60)) }] },
      { customerContactDetails: [{ kind: 'email', value: `${long}@example.com` }] },
    ]) {
      const answer = await send('PUT', '/api/v1/customers/crm/L1', { body: JSON.stringify({ type: 'PERSON', ...body }) });
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.text).toMatch(/body\.(name|customerAttributes|customerContactDetails)/);
    }
    expect((await send('PUT', `/api/v1/customers/crm/${'k'.repeat(TEXT_LIMITS.identifier + 1)}`, { body: '{"type":"PERSON"}' })).status).toBe(400);
    expect(await databaseState()).toBe(before);
    // Three bytes per character at every limit: what is accepted, the indexes hold.
    const wide = (n: number) => '€'.repeat(n);
    const atLimits = {
      type: 'PERSON',
      name: { firstName: wide(TEXT_LIMITS.short), lastName: wide(TEXT_LIMITS.short) },
      customerAttributes: [{ key: wide(TEXT_LIMITS.identifier), value: wide(TEXT_LIMITS.attributeText) }],
      customerContactDetails: [{ kind: 'email', value: `${wide(TEXT_LIMITS.contactValue - 12)}@example.com` }],
      addresses: [{ type: 'billing', line1: wide(TEXT_LIMITS.long), line2: wide(TEXT_LIMITS.long), city: wide(TEXT_LIMITS.short), zip: wide(TEXT_LIMITS.zip), country: wide(TEXT_LIMITS.short) }],
    };
    const stored = await send('PUT', `/api/v1/customers/crm/${wide(TEXT_LIMITS.identifier)}`, { body: JSON.stringify(atLimits) });
    expect(stored.status, stored.text.slice(0, 300)).toBe(201);
  });

  it('refuses a cursor beyond what the database counts with a 400', async () => {
    const created = await send('PUT', '/api/v1/customers/crm/C1', { body: '{"type":"PERSON","name":{"firstName":"Cy"}}' });
    const id = (JSON.parse(created.text) as { customer: { id: string } }).customer.id;
    for (const n of ['99999999999999999999', '9223372036854775808']) {
      const cursor = Buffer.from(n).toString('base64url');
      expect((await send('GET', `/api/v1/customers/${id}/activities?cursor=${cursor}`)).status).toBe(400);
    }
    expect((await send('GET', `/api/v1/customers/${id}/activities?cursor=${Buffer.from('9223372036854775807').toString('base64url')}`)).status).toBe(200);
  });

  it('checks the token on arrival: a large unauthenticated body gets a 401 that tells nothing of the schema', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 0x20);
    const answer = await send('POST', '/api/v1/customers/bulk', { body: big, token: false });
    expect(answer.status).toBe(401);
    expect(answer.text).not.toMatch(/records|externalId|schema/);
    const invalid = await send('PUT', '/api/v1/customers/crm/X1', { body: '{"nonsense": true}', token: false });
    expect(invalid.status).toBe(401);
    expect(invalid.text).not.toContain('nonsense');
  });

  it('leads next only to a path of the console itself, and never answers a 5xx for it', async () => {
    const cases: [string, string][] = [
      ['/%09/evil.example/', '/'],
      ['//evil.example/', '/'],
      ['/\\evil.example', '/'],
      ['https://evil.example/', '/'],
      ['javascript:alert(1)', '/'],
      ['/runs%0D%0ALocation:%20https://evil.example', '/runs'],
      ['/%E3%80%82evil', '/%E3%80%82evil'],
      ['/review?flow=people', '/review?flow=people'],
    ];
    const context = await playwrightRequest.newContext({ baseURL: base, maxRedirects: 0 });
    try {
      for (const [next, expected] of cases) {
        expect((await context.get(`/login?next=${encodeURIComponent(next)}`)).status(), next).toBe(200);
        const csrf = await csrfIn(context, `/login?next=${encodeURIComponent(next)}`);
        const signedIn = await context.post('/login', { form: { _csrf: csrf, name: 'ana', password: PASSWORD, next } });
        expect(signedIn.status(), next).toBe(303);
        const location = signedIn.headers().location!;
        expect(location.startsWith(expected.split('Location')[0]!), `${next} → ${location}`).toBe(true);
        expect(new URL(location, base).origin).toBe(base);
        await context.post('/logout', { form: { _csrf: await csrfIn(context, '/') } });
      }
      for (const raw of ['%E3%80%82', '%0D%0A', '%00', '%FF', '%u0041']) expect((await context.get(`/login?next=${raw}`)).status(), raw).toBeLessThan(500);
    } finally {
      await context.dispose();
    }
  });

  it('ends a session at sign-out and at a password change: a copy of its cookie no longer signs in', async () => {
    const signIn = async (url: string) => {
      const context = await playwrightRequest.newContext({ baseURL: url, maxRedirects: 0 });
      const csrf = await csrfIn(context, '/login');
      expect((await context.post('/login', { form: { _csrf: csrf, name: 'ana', password: PASSWORD } })).status()).toBe(303);
      return context;
    };
    const cookieOf = async (context: Awaited<ReturnType<typeof signIn>>) => (await context.storageState()).cookies.find((c) => c.name === 'custsync_session')!.value;
    const withCookie = (url: string, cookie: string) => fetch(`${url}/deletions`, { headers: { cookie: `custsync_session=${cookie}` }, redirect: 'manual' });

    const ana = await signIn(base);
    const copy = await cookieOf(ana);
    expect((await withCookie(base, copy)).status).toBe(200);
    const csrf = await csrfIn(ana, '/');
    expect((await ana.post('/logout', { form: { _csrf: csrf } })).status()).toBe(303);
    const replayed = await withCookie(base, copy);
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/^\/login/);
    await ana.dispose();

    const again = await signIn(base);
    const before = await cookieOf(again);
    expect((await withCookie(base, before)).status).toBe(200);
    // The same database and session key, the user's password changed in the config.
    const changed = await consoleOf(await hashPassword('a-new-password-456'));
    try {
      expect((await withCookie(changed.url, before)).status).toBe(303);
      expect((await withCookie(base, before)).status).toBe(303);
    } finally {
      await changed.app.close();
      await again.dispose();
    }
    const ended = await h.db.db.selectFrom('console_sessions').select('ended_reason').orderBy('created_at').execute();
    expect(ended.map((s) => s.ended_reason).slice(-2)).toEqual(['signed-out', 'password-changed']);
  });

  it('answers as integrators expect: request ids, merge-patch JSON, strong ETags, deleted customers left out of lists, any source id readable', async () => {
    const given = await send('GET', '/api/v1/customers', { headers: { 'x-request-id': 'trace-42' } });
    expect(given.headers.get('x-request-id')).toBe('trace-42');
    const made = await send('GET', '/api/v1/customers', { headers: { 'x-request-id': 'x'.repeat(500) } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await send('GET', '/nope', { token: false })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const created = await send('PUT', '/api/v1/customers/crm/activities', { body: '{"type":"PERSON","name":{"firstName":"Act","lastName":"Ivities"}}' });
    expect(created.status).toBe(201);
    const customer = (JSON.parse(created.text) as { customer: { id: string } }).customer;
    const bySourceId = await send('GET', '/api/v1/customers/crm/activities');
    expect(bySourceId.status).toBe(200);
    expect(JSON.parse(bySourceId.text)).toMatchObject({ id: customer.id, sourceId: 'activities' });
    const log = await send('GET', `/api/v1/customers/${customer.id}/activities`);
    expect(JSON.parse(log.text)).toMatchObject({ items: [{ change: 'created' }] });

    const etag = created.headers.get('etag')!;
    const weak = await send('PATCH', `/api/v1/customers/${customer.id}`, { body: '{"name":{"lastName":"Weak"}}', headers: { 'content-type': 'application/merge-patch+json', 'if-match': `W/${etag}` } });
    expect(weak.status).toBe(412);
    const strong = await send('PATCH', `/api/v1/customers/${customer.id}`, { body: '{"name":{"lastName":"Strong"}}', headers: { 'content-type': 'application/merge-patch+json', 'if-match': etag } });
    expect(strong.status, strong.text).toBe(200);
    expect(JSON.parse(strong.text)).toMatchObject({ customer: { name: { lastName: 'Strong' } } });

    expect((await send('DELETE', `/api/v1/customers/${customer.id}`)).status).toBeLessThan(300);
    const ids = async (query: string) => (JSON.parse((await send('GET', `/api/v1/customers${query}`)).text) as { items: { id: string }[] }).items.map((c) => c.id);
    expect(await ids('?limit=500')).not.toContain(customer.id);
    expect(await ids('?limit=500&state=deleted')).toContain(customer.id);
    expect(await ids('?limit=500&state=any')).toContain(customer.id);
  });

  it('shows a browser asking for an unknown path a page of the console, and a script problem details', async () => {
    const page = await send('GET', '/no/such/page', { token: false, headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<a href="/">Go to the overview</a>');
    const script = await send('GET', '/no/such/page', { token: false, headers: { accept: 'application/json' } });
    expect(script.status).toBe(404);
    expect(script.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const injected = await send('GET', '/%3Cscript%3Ealert(1)%3C/script%3E', { token: false, headers: { accept: 'text/html' } });
    expect(injected.text).not.toContain('<script>');
  });

  it('lets only the configured origins call the API from a browser, preflight before the token', async () => {
    const preflight = (origin: string) =>
      send('OPTIONS', '/api/v1/customers/crm/K1', { token: false, headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, content-type, if-match' } });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('if-match');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();

    const read = await send('GET', '/api/v1/customers?limit=1', { headers: { origin: 'https://app.example.com' } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(read.headers.get('access-control-expose-headers')).toContain('etag');
    const other = await send('GET', '/api/v1/customers?limit=1', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect((await send('GET', '/api/v1/customers?limit=1', { token: false, headers: { origin: 'https://app.example.com' } })).status).toBe(401);
  });

  it('answers a method a path does not take with 405 and the methods it does', async () => {
    const answer = await send('POST', '/api/v1/customers/crm/C1', { body: '{}' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, PUT, HEAD');
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const runs = await send('DELETE', '/api/v1/runs');
    expect(runs.status).toBe(405);
    expect(runs.headers.get('allow')).toBe('GET, HEAD');
    expect((await send('GET', '/api/v1/customers/crm/C1')).status).toBe(200);
    // Methods a browser's fetch will not send: TRACE, and QUERY without the content type it requires.
    const raw = (method: string, path: string) =>
      new Promise<{ status: number; allow: string | undefined }>((resolve, reject) => {
        const req = httpRequest(`${base}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, allow: res.headers.allow }));
        });
        req.on('error', reject);
        req.end();
      });
    expect(await raw('TRACE', '/api/v1/runs')).toEqual({ status: 405, allow: 'GET, HEAD' });
    expect(await raw('QUERY', '/api/v1/customers/crm/C1')).toEqual({ status: 405, allow: 'GET, PUT, HEAD' });
    expect(await raw('TRACE', '/healthz')).toEqual({ status: 405, allow: 'GET, HEAD' });
  });

  it('creates only with If-None-Match: * and answers 304 to a GET whose ETag still matches', async () => {
    const first = await send('PUT', '/api/v1/customers/crm/N1', { body: '{"type":"PERSON","name":{"firstName":"Nora"}}', headers: { 'if-none-match': '*' } });
    expect(first.status).toBe(201);
    const again = await send('PUT', '/api/v1/customers/crm/N1', { body: '{"type":"PERSON","name":{"firstName":"Other"}}', headers: { 'if-none-match': '*' } });
    expect(again.status).toBe(412);
    const etag = first.headers.get('etag')!;
    const current = await send('GET', '/api/v1/customers/crm/N1', { headers: { 'if-none-match': etag } });
    expect(current.status).toBe(304);
    expect(current.text).toBe('');
    expect(current.headers.get('etag')).toBe(etag);
    expect((await send('GET', '/api/v1/customers/crm/N1', { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
    expect(JSON.parse((await send('GET', '/api/v1/customers/crm/N1')).text)).toMatchObject({ name: { firstName: 'Nora' } });
  });

  it('names each kind of refusal with a problem type of its own', async () => {
    const typeOf = (answer: { text: string }) => (JSON.parse(answer.text) as { type: string }).type;
    expect((await send('PUT', '/api/v1/customers/crm/T1', { body: '{"type":"PERSON","name":{"firstName":"Tia"}}' })).status).toBe(201);
    expect(typeOf(await send('PUT', '/api/v1/customers/crm/T1', { body: '{"type":"COMPANY","name":{"companyName":"T AS"}}' }))).toBe('urn:custsync:problem:type-conflict');
    expect(typeOf(await send('PUT', '/api/v1/customers/crm/T1', { body: '{"externalId":"T2","type":"PERSON"}' }))).toBe('urn:custsync:problem:source-id-immutable');
    expect(typeOf(await send('POST', '/api/v1/customers', { body: '{"sourceId":"T1","type":"PERSON"}' }))).toBe('urn:custsync:problem:customer-exists');
    const twice = '{"records":[{"externalId":"B1","type":"PERSON"},{"externalId":"B1","type":"PERSON"}]}';
    expect(typeOf(await send('POST', '/api/v1/customers/bulk', { body: twice }))).toBe('urn:custsync:problem:duplicate-in-upload');
    expect(typeOf(await send('GET', '/api/v1/customers?limit=0'))).toBe('urn:custsync:problem:bad-request');
    expect(typeOf(await send('GET', '/api/v1/customers', { token: false }))).toBe('urn:custsync:problem:not-authenticated');
  });
});
