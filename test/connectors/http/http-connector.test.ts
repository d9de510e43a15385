import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nonRetryableOnInputErrors } from '../../../src/activities/non-retryable.js';
import type { ConnectorPage } from '../../../src/connectors/connector.js';
import { httpConnectorSchema } from '../../../src/connectors/http/http-config.js';
import { createHttpConnector } from '../../../src/connectors/http/http-connector.js';
import { startLoopbackApi, type ApiAnswer, type LoopbackApi } from '../../support/loopback-api.js';

const TOKEN = 'tok-3b8f1c-never-print-me';
const CUSTOMERS = ['A1', 'A2', 'A3', 'A4', 'A5'].map((id) => ({ externalId: id, type: 'COMPANY', name: { companyName: `Company ${id}` } }));

let answer: (url: URL) => ApiAnswer;
let api: LoopbackApi;

beforeAll(async () => {
  process.env.CUSTSYNC_TEST_API_TOKEN = TOKEN;
  api = await startLoopbackApi((url, req) =>
    req.headers.authorization === `Bearer ${TOKEN}` ? answer(url) : { status: 401, body: { error: 'unauthorized' } },
  );
});
afterAll(async () => {
  await api.close();
  delete process.env.CUSTSYNC_TEST_API_TOKEN;
});
afterEach(() => (api.requests.length = 0));

const connectorWith = (extra: Record<string, unknown>) =>
  createHttpConnector('oms', httpConnectorSchema.parse({ type: 'http', baseUrl: api.baseUrl, auth: { type: 'bearer', tokenEnv: 'CUSTSYNC_TEST_API_TOKEN' }, ...extra }));

async function readAll(extra: Record<string, unknown>, cursor?: string): Promise<ConnectorPage[]> {
  const connector = connectorWith(extra);
  const [input] = await connector.listInputs();
  const pages: ConnectorPage[] = [];
  for await (const page of connector.read(input!, { pageSize: 100, ...(cursor ? { cursor } : {}) })) pages.push(page);
  return pages;
}
const ids = (pages: ConnectorPage[]) => pages.flatMap((p) => p.fragments.map((f) => f.record.externalId));
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as Error);

describe('the http connector', () => {
  it.each([
    ['page', { type: 'page' }, (url: URL) => ({ items: CUSTOMERS.slice((Number(url.searchParams.get('page')) - 1) * 2).slice(0, 2) })],
    ['offset', { type: 'offset' }, (url: URL) => ({ items: CUSTOMERS.slice(Number(url.searchParams.get('offset'))).slice(0, 2) })],
    [
      'cursor',
      { type: 'cursor' },
      (url: URL) => {
        const from = Number(url.searchParams.get('cursor') ?? 0);
        return { items: CUSTOMERS.slice(from, from + 2), nextCursor: from + 2 < CUSTOMERS.length ? String(from + 2) : null };
      },
    ],
  ])('lists every customer with %s paging, one connector page per response', async (_kind, pagination, page) => {
    answer = (url) => ({ body: page(url) });
    const pages = await readAll({ pagination, pageSize: 2 });
    expect(ids(pages)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
    expect(pages.map((p) => p.read)).toEqual([2, 2, 1]);
  });

  it('follows Link headers, and resumes from a page cursor after a crash', async () => {
    answer = (url) => {
      const from = Number(url.searchParams.get('from') ?? 0);
      const headers: Record<string, string> =
        from + 2 < CUSTOMERS.length ? { link: `<${api.baseUrl}/customers?per_page=2&from=${from + 2}>; rel="next"` } : {};
      return { headers, body: CUSTOMERS.slice(from, from + 2) };
    };
    const pages = await readAll({ pagination: { type: 'link' }, pageSize: 2, itemsPath: '' });
    expect(ids(pages)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
    api.requests.length = 0;
    const resumed = await readAll({ pagination: { type: 'link' }, pageSize: 2, itemsPath: '' }, pages[0]!.cursor);
    expect(ids(resumed)).toEqual(['A3', 'A4', 'A5']);
    expect(api.requests.map((r) => r.url.searchParams.get('from'))).toEqual(['2', '4']);
  });

  it('maps API fields onto the customer record', async () => {
    answer = () => ({ body: { items: [{ id: 'X9', kind: 'COMPANY', company: 'Mapped Co', address: { city: 'Oslo' } }] } });
    const pages = await readAll({ fields: { externalId: 'id', type: 'kind', 'name.companyName': 'company' } });
    expect(pages[0]!.fragments[0]!.record).toEqual({ externalId: 'X9', type: 'COMPANY', name: { companyName: 'Mapped Co' } });
  });

  it('reads item paths as record mappings do: array elements by index, JSON pointers, own keys only', async () => {
    answer = () => ({ body: { data: { 'the/items': [{ ids: ['P1'], kind: 'PERSON', contact: { 'e~mail': 'p1@example.com' } }] } } });
    const pages = await readAll({ itemsPath: '/data/the~1items', fields: { externalId: 'ids.0', type: 'kind', 'name.lastName': '/contact/e~0mail', 'name.firstName': 'ids.length' } });
    expect(pages[0]!.fragments[0]!.record).toEqual({ externalId: 'P1', type: 'PERSON', name: { lastName: 'p1@example.com' } });
    answer = () => ({ body: { items: [] } });
    const error = await failure(readAll({ itemsPath: 'items.constructor' }));
    expect(error?.message).toBe(`connector oms: GET ${api.baseUrl}/customers: expected an array at "items.constructor" (itemsPath), got nothing`);
  });

  it('rejects an item that is not a customer record, naming the field, and fails on a body without the items array', async () => {
    answer = () => ({ body: { items: [CUSTOMERS[0], { type: 'COMPANY', name: { companyName: 'No Id' } }] } });
    const [page] = await readAll({});
    expect(ids([page!])).toEqual(['A1']);
    expect(page!.rejects).toEqual([expect.objectContaining({ line: 2, field: 'externalId', reason: expect.stringMatching(/^externalId: /) as unknown })]);
    answer = () => ({ body: { data: [] } });
    const error = await failure(readAll({}));
    expect(error?.name).toBe('InputError');
    expect(error?.message).toBe(`connector oms: GET ${api.baseUrl}/customers: expected an array at "items" (itemsPath), got nothing`);
  });

  it('retries a 429 after its Retry-After, a 5xx and a timeout with backoff, and fails at once on other 4xx', async () => {
    const activity = nonRetryableOnInputErrors((extra: Record<string, unknown>) => readAll(extra));
    answer = () => ({ status: 429, headers: { 'retry-after': '7' } });
    const limited = await failure(activity({}));
    expect(limited).toBeInstanceOf(ApplicationFailure);
    expect(limited).toMatchObject({ type: 'RetryLaterError', nonRetryable: false, nextRetryDelay: 7000 });

    answer = () => ({ status: 503, body: 'down' });
    const down = await failure(activity({}));
    expect(down).not.toBeInstanceOf(ApplicationFailure);
    expect(down?.message).toBe(`connector oms: GET ${api.baseUrl}/customers: 503 Service Unavailable`);

    answer = () => ({ delayMs: 500, body: { items: [] } });
    expect((await failure(activity({ timeout: '100ms' })))?.message).toBe(`connector oms: GET ${api.baseUrl}/customers: no response within 100 ms`);

    answer = () => ({ status: 404, body: { error: `no such tenant for token ${TOKEN}` } });
    const missing = await failure(activity({}));
    expect(missing).toMatchObject({ type: 'InputError', nonRetryable: true });
    expect(missing?.message).toBe(`connector oms: GET ${api.baseUrl}/customers: 404 Not Found: {"error":"no such tenant for token ***"}`);
  });

  it('never puts a secret into an error, and names an unset variable', async () => {
    answer = () => ({ body: { items: [] } });
    process.env.CUSTSYNC_TEST_API_TOKEN = 'wrong-token-123';
    const refused = await failure(readAll({}));
    process.env.CUSTSYNC_TEST_API_TOKEN = TOKEN;
    expect(refused?.message).toBe(`connector oms: GET ${api.baseUrl}/customers: 401 Unauthorized: {"error":"unauthorized"}`);
    expect(refused?.message).not.toContain('wrong-token-123');
    const unset = await failure(readAll({ auth: { type: 'apiKey', header: 'X-Api-Key', valueEnv: 'CUSTSYNC_TEST_UNSET_KEY' } }));
    expect(unset?.message).toBe('connector oms: environment variable CUSTSYNC_TEST_UNSET_KEY (auth.valueEnv) is not set');
  });
});
