/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-explicit-any --
   answers are JSON, each checked against the OpenAPI document by `api()` before a test reads it */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveApiTokens } from '../../src/server/api-tokens.js';
import { buildServer } from '../../src/server/build-server.js';
import { openApiValidator } from '../support/openapi-validator.js';
import { writeFingerprint } from '../support/db-state.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKENS = { crm: 'crm-token-1', shop: 'shop-token-2', reader: 'reader-token-3' };

describe('duplicates through the customer API', () => {
  let h: SyncHarness;
  let server: FastifyInstance;
  let base: string;
  let validator: ReturnType<typeof openApiValidator>;

  const api = async (method: string, path: string, options: { token?: keyof typeof TOKENS; body?: unknown } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${TOKENS[options.token ?? 'crm']}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}/api/v1${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await response.text();
    const body: any = text === '' ? undefined : JSON.parse(text);
    expect(validator.problems(method, `/api/v1${path}`, response.status, response.headers.get('content-type'), body)).toEqual([]);
    return { status: response.status, body };
  };
  const state = () => writeFingerprint(h.db, ['customers', 'duplicate_candidates', 'customer_match_keys']);

  beforeAll(async () => {
    h = await startSyncHarness({
      connectors: {},
      flows: {},
      api: {
        rateLimit: 100_000,
        duplicates: { keys: ['email', 'phone', 'vat'] },
        tokens: {
          crm: { system: 'crm', scopes: ['read', 'write'], sha256: sha256(TOKENS.crm) },
          shop: { system: 'shop', scopes: ['read', 'write'], sha256: sha256(TOKENS.shop) },
          reader: { scopes: ['read'], sha256: sha256(TOKENS.reader) },
        },
      },
    });
    server = await buildServer({
      api: { deps: { db: h.db.db, client: h.client, temporal: h.temporal, config: h.config }, tokens: resolveApiTokens(h.config.api, {}), settings: h.config.api },
    });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
    validator = openApiValidator((await (await fetch(`${base}/api/v1/openapi.json`)).json()) as never);
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it('checks each write: the same person from two systems, the email in another case, the phone in another format', async () => {
    const first = await api('PUT', '/customers/crm/K-77', {
      body: { type: 'PERSON', name: { firstName: 'Kari', lastName: 'Nordmann' }, addresses: [{ type: 'billing', zip: '0155', country: 'NO' }], customerContactDetails: [{ kind: 'email', value: 'kari@example.no' }, { kind: 'mobile', value: '900 00 001' }] },
    });
    expect(first.status).toBe(201);
    expect((await api('GET', '/duplicates')).body.items).toEqual([]);
    const second = await api('PUT', '/customers/shop/9001', {
      token: 'shop',
      body: { type: 'PERSON', name: { displayName: 'Nordmann, Kari' }, customerContactDetails: [{ kind: 'email', value: 'Kari@Example.NO' }, { kind: 'phone', value: '+47 900 00 001' }] },
    });
    expect(second.status).toBe(201);
    const list = await api('GET', '/duplicates');
    expect(list.body.items).toHaveLength(1);
    const [pair] = list.body.items;
    expect(pair).toMatchObject({ strength: 'strong', status: 'open', reasons: [{ kind: 'email', value: 'kari@example.no' }, { kind: 'phone', value: '+4790000001' }] });
    expect(pair.foundRunId).toMatch(/^api\/shop\//);
    expect(pair.customers.map((c: { source: string }) => c.source).sort()).toEqual(['crm:K-77', 'shop:9001']);

    const shown = await api('GET', `/duplicates/${pair.id}`, { token: 'reader' });
    expect(shown.status).toBe(200);
    expect(shown.body.fields.find((f: { field: string }) => f.field === 'name.displayName')).toMatchObject({ same: false });

    // The pairs of one customer.
    expect((await api('GET', `/duplicates?customer=${second.body.customer.id}`)).body.items).toHaveLength(1);
  });

  it('keeps a pair apart once: refusals answer 4xx and change nothing', async () => {
    const [pair] = (await api('GET', '/duplicates')).body.items;
    const before = await state();
    expect((await api('POST', `/duplicates/${pair.id}/keep-apart`, { token: 'reader' })).status).toBe(403);
    expect((await api('POST', '/duplicates/0/keep-apart')).status).toBe(400);
    expect((await api('POST', '/duplicates/987654321/keep-apart')).status).toBe(404);
    expect((await api('GET', '/duplicates/abc')).status).toBe(400);
    expect((await api('GET', '/duplicates?cursor=not-ours')).status).toBe(400);
    expect((await api('GET', '/duplicates?status=maybe')).status).toBe(400);
    expect(await state()).toEqual(before);

    const kept = await api('POST', `/duplicates/${pair.id}/keep-apart`);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ status: 'kept-apart', decidedBy: 'token:crm' });
    const again = await api('POST', `/duplicates/${pair.id}/keep-apart`, { token: 'shop' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already decided: kept-apart by token:crm/);
    expect((await api('GET', '/duplicates')).body.items).toEqual([]);
    expect((await api('GET', '/duplicates?status=kept-apart')).body.items.map((p: { id: string }) => p.id)).toEqual([pair.id]);

    // Written again with the same keys, the pair is not proposed again.
    await api('PUT', '/customers/shop/9001', { token: 'shop', body: { type: 'PERSON', name: { displayName: 'Kari Nordmann' }, customerContactDetails: [{ kind: 'email', value: 'kari@example.no' }] } });
    expect((await api('GET', '/duplicates')).body.items).toEqual([]);
  });

  it('merges a pair: the merged id answers with the survivor; undoing it restores both, once', async () => {
    const ola = await api('PUT', '/customers/crm/K-80', { body: { type: 'PERSON', name: { firstName: 'Ola', lastName: 'Hansen' }, customerContactDetails: [{ kind: 'email', value: 'ola@example.no' }] } });
    const shop = await api('PUT', '/customers/shop/9080', { token: 'shop', body: { type: 'PERSON', name: { firstName: 'Ola', lastName: 'Hansen' }, customerContactDetails: [{ kind: 'email', value: 'OLA@example.no' }], customerAttributes: [{ key: 'tier', value: 'gold' }] } });
    const [pair] = (await api('GET', `/duplicates?customer=${ola.body.customer.id}`)).body.items;
    const before = await state();
    expect((await api('POST', `/duplicates/${pair.id}/merge`, { body: { survivor: 'not-a-uuid' } })).status).toBe(400);
    expect((await api('POST', `/duplicates/${pair.id}/merge`, { body: { survivor: '5d1f0a2e-8c3b-4e7f-b6a9-0e2d4c6f8a13' } })).status).toBe(422);
    expect((await api('POST', `/duplicates/${pair.id}/merge`, { token: 'reader', body: {} })).status).toBe(403);
    expect(await state()).toEqual(before);

    const merged = await api('POST', `/duplicates/${pair.id}/merge`, { body: { survivor: shop.body.customer.id } });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ survivorId: shop.body.customer.id, mergedId: ola.body.customer.id });
    const read = await api('GET', `/customers/${ola.body.customer.id}`);
    expect(read.body.id).toBe(shop.body.customer.id);
    expect(read.body.externalIds).toEqual(expect.arrayContaining([{ connector: 'crm', externalId: 'K-80' }, { connector: 'shop', externalId: '9080' }]));
    expect((await api('GET', '/customers/crm/K-80')).body.id).toBe(shop.body.customer.id);
    expect((await api('POST', `/duplicates/${pair.id}/merge`, { body: {} })).status).toBe(409);

    const undone = await api('POST', `/merges/${merged.body.mergeId}/undo`, { token: 'shop' });
    expect(undone.status).toBe(200);
    expect(undone.body.exact).toBe(true);
    expect((await api('GET', `/customers/${ola.body.customer.id}`)).body.id).toBe(ola.body.customer.id);
    const again = await api('POST', `/merges/${merged.body.mergeId}/undo`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/undone already by token:shop/);
    expect((await api('POST', '/merges/424242/undo')).status).toBe(404);
  });
});
