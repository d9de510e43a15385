/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   answers are JSON, each checked against the OpenAPI document by `api()` before a test reads it */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveApiTokens } from '../../src/server/api-tokens.js';
import { buildServer } from '../../src/server/build-server.js';
import { startLocalOms, type LocalOms } from '../../src/tooling/local-oms.js';
import { openApiValidator } from '../support/openapi-validator.js';
import { writeFingerprint } from '../support/db-state.js';
import { pushesSettled } from '../support/push-settled.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKENS = { crm: 'crm-token-1', reader: 'reader-token-2', admin: 'admin-token-3', oms: 'oms-token-4', limited: 'limited-token-5' };
const ASPECTS = ['name', 'contactPersons', 'addresses', 'customerAttributes', 'customerContactDetails', 'relations'];

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the file's opening comment
  body: any;
}

describe('the customer API', () => {
  let oms: LocalOms;
  let h: SyncHarness;
  let server: FastifyInstance;
  let base: string;
  let validator: ReturnType<typeof openApiValidator>;

  const api = async (method: string, path: string, options: { token?: keyof typeof TOKENS | null; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? 'crm' : options.token;
    if (token) headers.authorization = `Bearer ${TOKENS[token]}`;
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${base}/api/v1${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    expect(validator.problems(method, `/api/v1${path}`, response.status, response.headers.get('content-type'), parsed)).toEqual([]);
    if (response.status >= 400) expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return { status: response.status, headers: response.headers, body: parsed };
  };
  /** What a request that is refused must leave exactly as it was. */
  const databaseState = () => writeFingerprint(h.db, ['customers', 'change_log', 'external_ids', 'customer_pushes', 'customer_attributes', 'idempotent_requests']);
  const settled = () => pushesSettled(h.db, h.client, 'oms', h.temporal.taskQueue);

  beforeAll(async () => {
    oms = await startLocalOms();
    const erpFile = join(mkdtempSync(join(tmpdir(), 'custsync-api-')), 'erp.jsonl');
    writeFileSync(erpFile, '');
    const rawConfig = {
      connectors: {
        erp: { type: 'jsonl-file', path: erpFile },
        oms: { type: 'oms', baseUrl: oms.baseUrl, marketGroupId: 'MG-NO', tenantCountry: 'NO' },
      },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ASPECTS }, schedule: false, pushTo: ['oms'] } },
      push: { coalesce: '200ms', idle: '1s', maxAttempts: 3 },
      api: {
        rateLimit: 100_000,
        tokens: {
          crm: { system: 'crm', scopes: ['read', 'write'], sha256: sha256(TOKENS.crm) },
          reader: { scopes: ['read'], sha256: sha256(TOKENS.reader) },
          admin: { system: 'crm', scopes: ['read', 'write', 'admin'], tokenEnv: 'CUSTSYNC_TEST_ADMIN_TOKEN' },
          oms: { system: 'oms', scopes: ['read', 'write'], sha256: sha256(TOKENS.oms) },
          limited: { scopes: ['read'], sha256: sha256(TOKENS.limited), rateLimit: 3 },
        },
      },
    };
    h = await startSyncHarness(rawConfig);
    server = await buildServer({
      api: {
        deps: { db: h.db.db, client: h.client, temporal: h.temporal, config: h.config },
        tokens: resolveApiTokens(h.config.api, { CUSTSYNC_TEST_ADMIN_TOKEN: TOKENS.admin }),
        settings: { ...h.config.api, bodyLimit: 64 * 1024 },
      },
    });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
    validator = openApiValidator((await (await fetch(`${base}/api/v1/openapi.json`)).json()) as never);
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
    await oms?.close();
  });

  it('documents itself: OpenAPI 3.1 from the schemas, Swagger UI, health and readiness', async () => {
    const document = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, object> };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/customers', '/api/v1/customers/{id}', '/api/v1/customers/{connector}/{externalId}', '/api/v1/customers/bulk', '/api/v1/customers/attributes/bulk', '/api/v1/customers/{id}/activities', '/api/v1/runs', '/api/v1/runs/{id}']),
    );
    const missing: string[] = [];
    const wrong: string[] = [];
    type Media = { schema?: unknown; example?: unknown };
    type Operation = { requestBody?: { content: Record<string, Media> }; responses: Record<string, { content?: Record<string, Media> }> };
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
          if (media.example === undefined) missing.push(`${method} ${path} request ${type}`);
          else wrong.push(...validator.requestProblems(method, path, type, media.example));
        }
        for (const [status, answer] of Object.entries(operation.responses).filter(([code]) => code.startsWith('2'))) {
          const media = answer.content?.['application/json'];
          if (!media) continue;
          if (media.example === undefined) missing.push(`${method} ${path} ${status}`);
          else wrong.push(...validator.problems(method, path, Number(status), 'application/json', media.example));
        }
      }
    }
    expect(missing, 'operations without an example').toEqual([]);
    expect(wrong, 'examples that do not conform to their schema').toEqual([]);
    const preflight = await fetch(`${base}/api/v1/customers`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin'), 'CORS is off unless api.cors names origins').toBeNull();
    const docs = await fetch(`${base}/api/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: 'ok', temporal: 'ok' } });
  });

  it('upserts by source id: created, updated, unchanged — each value attributed to the writing system', async () => {
    const kari = { type: 'PERSON', name: { firstName: 'Kari', lastName: 'Nordmann' }, customerContactDetails: [{ kind: 'email', value: 'kari@example.no' }] };
    const created = await api('PUT', '/customers/crm/K1', { body: kari });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ change: 'created', customer: { sourceConnector: 'crm', sourceId: 'K1', name: { firstName: 'Kari' }, state: 'active' } });
    expect(created.body.customer.provenance.name).toEqual({ connector: 'crm', runId: created.body.writeId });
    expect(created.headers.get('location')).toBe(`/api/v1/customers/${created.body.customer.id}`);
    const id = created.body.customer.id as string;

    const again = await api('PUT', '/customers/crm/K1', { body: { ...kari, externalId: 'K1' } });
    expect(again.status).toBe(200);
    expect(again.body.change).toBe('unchanged');
    expect(again.headers.get('etag')).toBe(created.headers.get('etag'));

    const moved = await api('PUT', '/customers/crm/K1', { body: { name: { firstName: 'Kari', lastName: 'Hansen' } } });
    expect(moved.body).toMatchObject({ change: 'updated', customer: { id, name: { lastName: 'Hansen' }, customerContactDetails: [{ kind: 'email', value: 'kari@example.no' }] } });
    expect(moved.headers.get('etag')).not.toBe(created.headers.get('etag'));

    const log = await h.db.db.selectFrom('change_log').select(['change', 'actor', 'run_id']).where('customer_id', '=', id).orderBy('id').execute();
    expect(log).toEqual([
      { change: 'created', actor: 'token:crm', run_id: created.body.writeId },
      { change: 'updated', actor: 'token:crm', run_id: moved.body.writeId },
    ]);

    const byId = await api('GET', `/customers/${id}`);
    expect(byId.body.externalIds).toEqual([{ connector: 'crm', externalId: 'K1' }]);
    expect(byId.body.provenance.items.customerContactDetails).toEqual([expect.objectContaining({ connector: 'crm', runId: created.body.writeId, suppliedBy: ['crm'] })]);
    const byExternal = await api('GET', '/customers/crm/K1?provenance=false');
    expect(byExternal.body.id).toBe(id);
    expect(byExternal.body.provenance).toBeUndefined();
    expect((await api('GET', '/customers/crm/NOPE')).status).toBe(404);
  });

  it('creates with POST once per source id, replaying answers under an Idempotency-Key', async () => {
    const body = { sourceId: 'C-100', type: 'COMPANY', name: { companyName: 'Fjord AS' }, customerAttributes: [{ key: 'vatNumber', value: 'NO999' }] };
    const first = await api('POST', '/customers', { body, headers: { 'idempotency-key': 'create-c100' } });
    expect(first.status).toBe(201);
    const replay = await api('POST', '/customers', { body, headers: { 'idempotency-key': 'create-c100' } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    // The created customer's push (and the OMS id it stores) is done before what a refused request must leave alone is read.
    await settled();
    const before = await databaseState();
    const otherBody = await api('POST', '/customers', { body: { ...body, name: { companyName: 'Other' } }, headers: { 'idempotency-key': 'create-c100' } });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.detail).toMatch(/was used for another request/);
    const duplicate = await api('POST', '/customers', { body });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.detail).toMatch(/crm customer C-100 exists already/);
    expect(await databaseState()).toBe(before);
  });

  it('patches aspects with a JSON merge patch, guarded by If-Match, and never changes a source id', async () => {
    const read = await api('GET', '/customers/crm/C-100');
    const id = read.body.id as string;
    const patched = await api('PATCH', `/customers/${id}`, {
      body: { name: { companyName: 'Fjord Holding AS' }, customerContactDetails: [{ kind: 'phone', value: '+4722000000' }] },
      headers: { 'if-match': read.headers.get('etag')! },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.customer).toMatchObject({ name: { companyName: 'Fjord Holding AS' }, customerContactDetails: [{ kind: 'phone', value: '+4722000000' }], customerAttributes: [{ key: 'vatNumber', value: 'NO999' }] });
    await settled();
    const before = await databaseState();
    const stale = await api('PATCH', `/customers/${id}`, { body: { name: { companyName: 'Stale' } }, headers: { 'if-match': read.headers.get('etag')! } });
    expect(stale.status).toBe(412);
    const renamed = await api('PATCH', `/customers/${id}`, { body: { sourceId: 'C-200' } });
    expect(renamed.status).toBe(422);
    expect(renamed.body.detail).toMatch(/"C-100".*"C-200"/);
    const moved = await api('PUT', '/customers/crm/C-100', { body: { externalId: 'C-101', name: { companyName: 'X' } } });
    expect(moved.status).toBe(422);
    expect(moved.body.detail).toMatch(/"C-101".*"C-100"/);
    const typeChange = await api('PUT', '/customers/crm/C-100', { body: { type: 'PERSON', name: { firstName: 'X' } } });
    expect(typeChange.status).toBe(422);
    expect(typeChange.body.detail).toMatch(/COMPANY.*PERSON/);
    expect(await databaseState()).toBe(before);
  });

  it('lists customers by filters, a page at a time, without repeats while customers are written', async () => {
    for (let i = 0; i < 7; i++) {
      expect((await api('PUT', `/customers/crm/L${i}`, { body: { type: 'PERSON', name: { firstName: 'List', lastName: `Person ${i}` }, customerAttributes: [{ key: 'segment', value: i % 2 === 0 ? 'even' : 'odd' }] } })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api('GET', `/customers?type=PERSON&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((c: { id: string }) => c.id));
      // Written between pages: paging on must neither repeat nor skip.
      await api('PUT', `/customers/crm/L${pages}`, { body: { name: { firstName: 'List', lastName: `Person ${pages}`, displayName: `page ${pages}` } } });
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(8); // K1 and the seven L customers
    const odd = await api('GET', '/customers?attribute=segment%3Dodd');
    expect(odd.body.items.map((c: { sourceId: string }) => c.sourceId).sort()).toEqual(['L1', 'L3', 'L5']);
    expect((await api('GET', '/customers?q=NO999')).body.items.map((c: { sourceId: string }) => c.sourceId)).toEqual(['C-100']);
    expect((await api('GET', '/customers?q=kari%40EXAMPLE.no')).body.items.map((c: { sourceId: string }) => c.sourceId)).toEqual(['K1']);
    expect((await api('GET', '/customers?q=holding')).body.items.map((c: { sourceId: string }) => c.sourceId)).toEqual(['C-100']);
    const since = new Date(Date.now() + 60_000).toISOString();
    expect((await api('GET', `/customers?updatedSince=${encodeURIComponent(since)}`)).body.items).toEqual([]);
    expect((await api('GET', '/customers?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
  });

  it('deletes softly (an upsert brings the customer back) and, with the admin scope, for good; the activities show each step', async () => {
    const id = (await api('GET', '/customers/crm/L6')).body.id as string;
    const deleted = await api('DELETE', `/customers/${id}`);
    expect(deleted.body).toMatchObject({ status: 'deleted' });
    expect((await api('GET', `/customers/${id}`)).body.state).toBe('deleted');
    expect((await api('GET', '/customers?state=deleted')).body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await api('PATCH', `/customers/${id}`, { body: { name: { lastName: 'X' } } })).status).toBe(409);
    const back = await api('PUT', '/customers/crm/L6', { body: { name: { firstName: 'List', lastName: 'Back' } } });
    expect(back.body).toMatchObject({ change: 'updated', restored: true, customer: { state: 'active' } });
    // Pushes to the OMS record its ids as they complete: the refused delete is compared with a state they no longer change.
    await settled();
    const before = await databaseState();
    expect((await api('DELETE', `/customers/${id}?permanent=true`)).status).toBe(403);
    expect(await databaseState()).toBe(before);
    expect((await api('DELETE', `/customers/${id}?permanent=true`, { token: 'admin' })).body).toMatchObject({ status: 'purged' });
    expect((await api('GET', `/customers/${id}`)).status).toBe(404);
    const activities = await api('GET', `/customers/${id}/activities?limit=3`);
    expect(activities.body.items.map((a: { change: string }) => a.change)).toEqual(['purged', 'updated', 'restored']);
    const rest = await api('GET', `/customers/${id}/activities?cursor=${activities.body.nextCursor}`);
    expect(rest.body.items.map((a: { change: string }) => a.change)).toEqual(['deleted', 'created']);
    expect(rest.body.items.every((a: { actor: string }) => a.actor === 'token:crm')).toBe(true);
  });

  it('sets and removes one attribute on many customers', async () => {
    const ids = await Promise.all(['L0', 'L1'].map(async (c) => (await api('GET', `/customers/crm/${c}`)).body.id as string));
    const set = await api('POST', '/customers/attributes/bulk', { body: { key: 'tier', value: 'gold', customers: [{ id: ids[0] }, { connector: 'crm', externalId: 'L1' }, { connector: 'crm', externalId: 'NOPE' }] } });
    expect(set.body.items.map((i: { status: string }) => i.status)).toEqual(['updated', 'updated', 'not-found']);
    const l0 = await api('GET', `/customers/${ids[0]}`);
    expect(l0.body.customerAttributes).toEqual(expect.arrayContaining([{ key: 'segment', value: 'even' }, { key: 'tier', value: 'gold' }]));
    const removed = await api('POST', '/customers/attributes/bulk', { body: { key: 'tier', remove: true, customers: [{ id: ids[0] }] } });
    expect(removed.body.items[0].status).toBe('updated');
    expect((await api('GET', `/customers/${ids[0]}`)).body.customerAttributes).toEqual([{ key: 'segment', value: 'even' }]);
  });

  it('refuses bad input with problem details naming the field and the rule, changing nothing', async () => {
    await settled();
    const before = await databaseState();
    const cases: { name: string; method: string; path: string; raw?: string | Buffer; body?: unknown; headers?: Record<string, string>; status: number; detail: RegExp }[] = [
      { name: 'wrong type', method: 'PUT', path: '/customers/crm/B1', body: { type: 'PERSON', name: { firstName: 42 } }, status: 400, detail: /body\.name\.firstName/ },
      { name: 'unknown field', method: 'PUT', path: '/customers/crm/B1', body: { type: 'PERSON', nickname: 'x' }, status: 400, detail: /body\.nickname: unknown field/ },
      { name: 'invalid JSON', method: 'PUT', path: '/customers/crm/B1', raw: '{"type": "PERSON",', status: 400, detail: /not valid JSON/ },
      { name: 'not UTF-8', method: 'PUT', path: '/customers/crm/B1', raw: Buffer.from([0x7b, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]), status: 400, detail: /not UTF-8: byte 10/ },
      { name: 'a NUL character', method: 'PUT', path: '/customers/crm/B1', body: { type: 'PERSON', name: { firstName: 'a\u0000b' } }, status: 400, detail: /body\.name\.firstName holds a NUL/ },
      { name: 'another charset', method: 'PUT', path: '/customers/crm/B1', raw: '{}', headers: { 'content-type': 'application/json; charset=latin1' }, status: 415, detail: /UTF-8/ },
      { name: 'not JSON', method: 'PUT', path: '/customers/crm/B1', raw: 'type=PERSON', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, detail: /send JSON/ },
      { name: 'too large', method: 'PUT', path: '/customers/crm/B1', body: { type: 'PERSON', name: { firstName: 'x'.repeat(70_000) } }, status: 413, detail: /larger than/ },
      { name: 'unknown customer', method: 'PATCH', path: '/customers/00000000-0000-4000-8000-000000000000', body: { name: { firstName: 'x' } }, status: 404, detail: /no customer/ },
      { name: 'a source id named like a route', method: 'GET', path: '/customers/not-a-uuid/activities', status: 404, detail: /not-a-uuid customer activities/ },
      { name: 'a person and a company', method: 'PUT', path: '/customers/crm/K1', body: { type: 'COMPANY', name: { companyName: 'K AS' } }, status: 422, detail: /PERSON.*COMPANY/ },
      { name: 'bad limit', method: 'GET', path: '/customers?limit=0', status: 400, detail: /query\.limit/ },
      { name: 'unknown filter', method: 'GET', path: '/customers?colour=red', status: 400, detail: /query\.colour: unknown field/ },
      { name: 'attribute without value', method: 'POST', path: '/customers/attributes/bulk', body: { key: 'tier', customers: [{ id: '00000000-0000-4000-8000-000000000000' }] }, status: 400, detail: /body\.value/ },
      { name: 'empty bulk', method: 'POST', path: '/customers/bulk', body: { records: [] }, status: 400, detail: /body\.records/ },
      { name: 'bulk with a customer twice', method: 'POST', path: '/customers/bulk', body: { records: [{ externalId: 'D1', type: 'PERSON' }, { externalId: 'D1', type: 'PERSON' }] }, status: 422, detail: /records\[1\]\.externalId/ },
      { name: 'writing as another system', method: 'PUT', path: '/customers/erp/E1', body: { type: 'PERSON' }, status: 403, detail: /writes as system "crm"/ },
    ];
    for (const c of cases) {
      const answer = await api(c.method, c.path, { ...(c.raw !== undefined ? { raw: c.raw } : {}), ...(c.body !== undefined ? { body: c.body } : {}), ...(c.headers ? { headers: c.headers } : {}) });
      expect({ case: c.name, status: answer.status }).toEqual({ case: c.name, status: c.status });
      expect(answer.body.detail, c.name).toMatch(c.detail);
      expect(answer.body.status, c.name).toBe(c.status);
    }
    expect(await databaseState()).toBe(before);
    // Text that looks like SQL is a value like any other, stored as it came.
    const sqlish = `Robert'); DROP TABLE customers;--`;
    const stored = await api('PUT', '/customers/crm/SQL1', { body: { type: 'PERSON', name: { firstName: sqlish } } });
    expect(stored.status).toBe(201);
    expect((await api('GET', '/customers/crm/SQL1')).body.name.firstName).toBe(sqlish);
  });

  it('authenticates every request by token and scope, and limits each token’s rate', async () => {
    await settled();
    const before = await databaseState();
    const noToken = await api('GET', '/customers', { token: null });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const response = await fetch(`${base}/api/v1/customers`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect((await api('GET', '/customers', { token: 'reader' })).status).toBe(200);
    expect((await api('PUT', '/customers/api/R1', { token: 'reader', body: { type: 'PERSON' } })).status).toBe(403);
    expect((await api('GET', '/runs', { token: 'reader' })).status).toBe(200);
    expect(await databaseState()).toBe(before);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await api('GET', '/customers?limit=1', { token: 'limited' });
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // Another token is not held back by it.
    expect((await api('GET', '/customers?limit=1', { token: 'reader' })).status).toBe(200);
  });

  it('serializes concurrent upserts of one customer: one customer, one change-log entry per effective change', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api('PUT', '/customers/crm/CONC', { body: { type: 'COMPANY', name: { companyName: `Concurrent ${i % 10}` } } })),
    );
    expect(answers.every((a) => a.status === 200 || a.status === 201)).toBe(true);
    expect(answers.filter((a) => a.body.change === 'created')).toHaveLength(1);
    const effective = answers.filter((a) => a.body.change !== 'unchanged').length;
    const ids = new Set(answers.map((a) => a.body.customer.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as string[];
    const log = await h.db.db.selectFrom('change_log').select(['change', 'run_id', 'diff']).where('customer_id', '=', id!).orderBy('id').execute();
    expect(log).toHaveLength(effective);
    expect(log.map((l) => l.run_id).sort()).toEqual(answers.filter((a) => a.body.change !== 'unchanged').map((a) => a.body.writeId).sort());
    // Serialized: each change starts from the state the one before it left, so none was lost.
    expect(log[0]!.change).toBe('created');
    const changes = log.slice(1).map((l) => (l.diff as { aspect: string; before?: unknown; after?: unknown }[]).find((d) => d.aspect === 'name')!);
    let state: unknown = answers.find((a) => a.body.change === 'created')!.body.customer.name;
    for (const change of changes) {
      expect(change.before).toEqual(state);
      state = change.after;
    }
    const final = await api('GET', `/customers/${id}`);
    expect(final.body.name).toEqual(state);
    expect(final.body.updatedRunId).toBe(log.at(-1)!.run_id);
  });

  it('pushes an API write to the push targets, but never back to the system that wrote it', async () => {
    await settled();
    oms.requests.length = 0;
    const fromCrm = await api('PUT', '/customers/crm/P1', { body: { type: 'PERSON', name: { firstName: 'Push', lastName: 'Me' } } });
    expect(fromCrm.body.queuedFor).toEqual(['oms']);
    await settled();
    expect(oms.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { firstName: string }).firstName)).toEqual(['Push']);
    oms.requests.length = 0;
    const fromOms = await api('PUT', '/customers/oms/O1', { token: 'oms', body: { type: 'PERSON', name: { firstName: 'From', lastName: 'Oms' } } });
    expect(fromOms.status).toBe(201);
    expect(fromOms.body.queuedFor).toEqual([]);
    const patched = await api('PATCH', `/customers/${fromCrm.body.customer.id}`, { token: 'oms', body: { name: { lastName: 'Oms-edited' } } });
    expect(patched.body.queuedFor).toEqual([]);
    // A later write from the CRM goes out after anything queued before it: once it is pushed, nothing else was.
    await api('PUT', '/customers/crm/P-marker', { body: { type: 'PERSON', name: { firstName: 'Marker', lastName: 'Last' } } });
    await settled();
    expect(oms.requests.filter((r) => r.method !== 'GET').map((r) => (r.body as { firstName: string }).firstName)).toEqual(['Marker']);
  });

  it('upserts in bulk as an import run through Temporal, with its report and rejects under /runs', async () => {
    const records = [
      ...Array.from({ length: 30 }, (_, i) => ({ externalId: `BULK${i}`, type: 'PERSON', name: { firstName: 'Bulk', lastName: String(i) } })),
      { externalId: 'K1', name: { firstName: 'Kari', lastName: 'Bulk' } },
      { externalId: 'C-100', type: 'PERSON', name: { firstName: 'Not', lastName: 'A company' } },
    ];
    const accepted = await api('POST', '/customers/bulk', { body: { records } });
    expect(accepted.status).toBe(202);
    expect(accepted.body.runId).toMatch(/^import\/crm\//);
    const runPath = `/runs/${encodeURIComponent(accepted.body.runId)}`;
    expect(accepted.headers.get('location')).toBe(`/api/v1${runPath}`);
    await h.client.workflow.getHandle(accepted.body.runId).result();
    const report = await api('GET', runPath);
    expect(report.body).toMatchObject({ status: 'completed', trigger: 'api', totals: { created: 30, updated: 1, rejected: 1 } });
    expect(report.body.rejectedSample).toEqual([expect.objectContaining({ externalId: 'C-100', field: 'type' })]);
    expect((await api('GET', '/customers/crm/BULK7')).body.provenance.name.runId).toBe(accepted.body.runId);
    expect((await api('GET', '/customers/crm/K1')).body.name).toEqual({ firstName: 'Kari', lastName: 'Bulk' });
    const runs = await api('GET', '/runs?flow=import');
    expect(runs.body.items.map((r: { id: string }) => r.id)).toContain(accepted.body.runId);
    expect((await api('GET', '/runs/nope')).status).toBe(404);
    expect(await h.db.db.selectFrom('bulk_upload_records').select('position').execute()).toEqual([]);
  });
});
