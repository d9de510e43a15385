import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveApiTokens } from '../../src/server/api-tokens.js';
import { buildServer } from '../../src/server/build-server.js';
import { writeFingerprint } from '../support/db-state.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { FUZZ_TIMEOUT_MS, fuzzRuns } from './fuzz-settings.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKEN = 'fuzz-token-1';

/** Text as hostile clients send it: long, empty, control characters, astral and lone surrogates, NUL. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\uD800', '..', '%', '%00', 'activities', 'bulk', '🙂'.repeat(30), 'x'.repeat(5_000), '9'.repeat(30), '-1', 'null'),
);

/** A customer record, right in shape or nearly so. */
const recordLike = fc.record(
  {
    externalId: hostileText,
    type: fc.constantFrom('PERSON', 'COMPANY', 'person', 1),
    name: fc.record({ firstName: hostileText, lastName: hostileText, companyName: hostileText }, { requiredKeys: [] }),
    customerAttributes: fc.array(fc.record({ key: hostileText, value: fc.oneof(hostileText, fc.integer(), fc.boolean(), fc.array(hostileText, { maxLength: 60 }), fc.double()) }), { maxLength: 3 }),
    customerContactDetails: fc.array(fc.record({ kind: fc.constantFrom('email', 'phone', ''), value: hostileText }), { maxLength: 3 }),
    addresses: fc.array(fc.record({ type: fc.constantFrom('billing', 'shipping', 'nope'), line1: hostileText, zip: hostileText }, { requiredKeys: ['type'] }), { maxLength: 2 }),
    relations: fc.record({ parentExternalId: hostileText }, { requiredKeys: [] }),
    extra: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  recordLike.map((r) => JSON.stringify(r)),
  fc.record({ records: fc.array(recordLike, { maxLength: 3 }) }).map((r) => JSON.stringify(r)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 3_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

/** Percent-encoding as a client would send it; a lone surrogate goes as the bytes of one (not UTF-8 at all). */
const percentEncoded = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return `${encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, ''))}%ED%A0%80`;
  }
};
const segment = hostileText.map(percentEncoded);
const path = fc.oneof(
  fc.tuple(segment, segment).map(([c, e]) => `/customers/${c}/${e}`),
  segment.map((id) => `/customers/${id}`),
  segment.map((id) => `/customers/${id}/activities`),
  fc.constantFrom('/customers', '/customers/bulk', '/customers/attributes/bulk', '/runs', '/customers/crm/activities'),
  segment.map((id) => `/runs/${id}`),
);
const query = fc
  .array(fc.tuple(fc.constantFrom('limit', 'cursor', 'state', 'type', 'q', 'attribute', 'updatedSince', 'permanent', 'provenance', 'x'), hostileText), { maxLength: 3 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${percentEncoded(v)}`).join('&')}` : ''));
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/merge-patch+json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data'),
    'if-match': fc.oneof(hostileText.map((s) => s.replace(/[^\x20-\x7e]/g, '')), fc.constant('*')),
    'idempotency-key': hostileText.map((s) => s.replace(/[^\x20-\x7e]/g, '') || 'k'),
    authorization: fc.constantFrom(`Bearer ${TOKEN}`, 'Bearer nope', 'Basic abc', ''),
  },
  { requiredKeys: [] },
);
const request = fc.record({
  method: fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'DELETE'),
  path,
  query,
  headers,
  body: fc.option(body, { nil: undefined }),
});

describe('the customer API under generated requests', () => {
  let h: SyncHarness;
  let server: FastifyInstance;
  let base: string;
  const state = () => writeFingerprint(h.db, ['customers', 'change_log', 'external_ids', 'customer_attributes', 'bulk_upload_records', 'sync_runs']);

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'custsync-api-fuzz-')), 'erp.jsonl');
    writeFileSync(file, '');
    h = await startSyncHarness({
      connectors: { erp: { type: 'jsonl-file', path: file } },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'customerAttributes'] }, schedule: false } },
      api: { rateLimit: 1_000_000, tokens: { crm: { system: 'crm', scopes: ['read', 'write', 'admin'], sha256: sha256(TOKEN) } } },
    });
    server = await buildServer({
      api: { deps: { db: h.db.db, client: h.client, temporal: h.temporal, config: h.config }, tokens: resolveApiTokens(h.config.api, {}), settings: h.config.api },
    });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
    // Customers for requests to find and change.
    for (const id of ['A1', 'activities', 'bulk']) {
      const answer = await fetch(`${base}/api/v1/customers/crm/${id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'PERSON', name: { firstName: id } }),
      });
      expect(answer.status).toBeLessThan(300);
    }
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it(
    'never answers a 5xx, and a 4xx changes nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const before = await state();
          const sent: Record<string, string> = Object.fromEntries(Object.entries(r.headers).filter(([, v]) => v !== ''));
          const answer = await fetch(`${base}/api/v1${r.path}${r.query}`, {
            method: r.method,
            headers: sent,
            ...(r.body !== undefined && r.method !== 'GET' ? { body: r.body } : {}),
          });
          const text = await answer.text();
          expect(answer.status, `${r.method} ${r.path}${r.query}: ${text.slice(0, 300)}`).toBeLessThan(500);
          if (answer.status >= 400) {
            expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            expect(await state(), `${r.method} ${r.path}${r.query} answered ${answer.status} and changed something`).toBe(before);
          }
        }),
        fuzzRuns(300),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
