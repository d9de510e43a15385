import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectorPage } from '../../../src/connectors/connector.js';
import { InputError } from '../../../src/connectors/input-error.js';
import { omsConnectorSchema } from '../../../src/connectors/oms/oms-config.js';
import { createOmsConnector } from '../../../src/connectors/oms/oms-connector.js';
import { RetryLaterError } from '../../../src/connectors/retry-later-error.js';
import type { OutboundCustomer } from '../../../src/domain/outbound-customer.js';
import { BUSINESS_PATH, PRIVATE_PATH, startLocalOms, type LocalOms } from '../../../src/tooling/local-oms.js';

const KEY = 'oms-secret-key-7731';

async function readAll(pages: AsyncIterable<ConnectorPage>): Promise<ConnectorPage[]> {
  const all: ConnectorPage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

describe('the OMS connector against an OMS-like API on 127.0.0.1', () => {
  let oms: LocalOms;
  const connector = () =>
    createOmsConnector(
      'oms',
      omsConnectorSchema.parse({
        type: 'oms',
        baseUrl: oms.baseUrl,
        auth: { type: 'apiKey', header: 'X-Api-Key', valueEnv: 'CUSTSYNC_TEST_OMS_CONNECTOR_KEY' },
        pageSize: 2,
        tenantCountry: 'NO',
        marketGroupId: 'MG-NO',
      }),
    );

  beforeAll(async () => {
    process.env.CUSTSYNC_TEST_OMS_CONNECTOR_KEY = KEY;
    oms = await startLocalOms({ apiKey: KEY });
  });
  afterAll(async () => {
    await oms?.close();
    delete process.env.CUSTSYNC_TEST_OMS_CONNECTOR_KEY;
  });
  beforeEach(() => {
    oms.privateCustomers.clear();
    oms.businessCustomers.clear();
    oms.requests.length = 0;
  });

  it('lists private and business customers as one paged snapshot', async () => {
    for (let i = 1; i <= 3; i++) oms.privateCustomers.set(`P${i}`, { customerId: `P${i}`, firstName: `F${i}`, lastName: `L${i}` });
    oms.businessCustomers.set('B1', { customerId: 'B1', name: 'Biz' });
    oms.businessCustomers.set('B2', { customerId: 'B2', name: 42 });
    const c = connector();
    const inputs = await c.listInputs();
    expect(inputs.map((i) => i.name)).toEqual([`GET ${PRIVATE_PATH} + ${BUSINESS_PATH}`]);
    const pages = await readAll(c.read(inputs[0]!, { pageSize: 2 }));
    expect(pages.map((p) => p.fragments.map((f) => f.record.externalId))).toEqual([['P1', 'P2'], ['P3'], ['B1'], []]);
    expect(pages[0]!.fragments[0]!.record).toMatchObject({ type: 'PERSON', name: { firstName: 'F1', lastName: 'L1' } });
    expect(pages[2]!.fragments.map((f) => f.record)).toMatchObject([{ externalId: 'B1', type: 'COMPANY', name: { companyName: 'Biz' } }]);
    expect(pages[2]!.rejects).toMatchObject([{ source: `GET ${BUSINESS_PATH}`, externalId: 'B2', field: 'name', line: 2 }]);
    // Positions keep rising from one collection to the next.
    const seqs = pages.flatMap((p) => p.fragments.map((f) => f.seq));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    // Resuming from any page's cursor yields exactly the rest, across collections.
    const rest = await readAll(c.read(inputs[0]!, { pageSize: 2, cursor: pages[1]!.cursor }));
    expect(rest.flatMap((p) => p.fragments.map((f) => f.record.externalId))).toEqual(['B1']);
    expect(oms.requests.every((r) => r.headers['x-api-key'] === KEY)).toBe(true);
  });

  it('looks a customer up in whichever collection has it', async () => {
    oms.privateCustomers.set('P 1/x', { customerId: 'P 1/x', firstName: 'Kari' });
    oms.businessCustomers.set('B1', { customerId: 'B1', name: 'Biz' });
    const c = connector();
    expect(await c.lookup!('P 1/x')).toMatchObject({ externalId: 'P 1/x', type: 'PERSON', name: { firstName: 'Kari', lastName: '-' } });
    expect(await c.lookup!('B1')).toMatchObject({ externalId: 'B1', type: 'COMPANY' });
    expect(await c.lookup!('nobody')).toBeUndefined();
  });

  it('refuses an id that is both a private and a business customer', async () => {
    oms.privateCustomers.set('X1', { customerId: 'X1', firstName: 'A' });
    oms.businessCustomers.set('X1', { customerId: 'X1', name: 'A AS' });
    const error = await connector().lookup!('X1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/customer X1 is both a private and a business customer/);
  });

  const person: OutboundCustomer = {
    id: '3f1c1c1c-0000-4000-8000-000000000001',
    type: 'PERSON',
    name: { firstName: 'Kari', lastName: 'Nordmann' },
    customerContactDetails: [{ kind: 'email', value: 'kari@example.no' }],
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: 'test',
  };

  it('creates a customer without an external id and returns the id the OMS gave it, then updates it', async () => {
    const c = connector();
    const created = await c.push!(person);
    expect(created).toEqual({ externalId: 'OMS-1', action: 'created' });
    expect(oms.requests.at(-1)).toMatchObject({ method: 'POST', path: PRIVATE_PATH, body: { customerId: person.id, email: 'kari@example.no' } });
    const updated = await c.push!({ ...person, externalId: 'OMS-1', name: { firstName: 'Kari', lastName: 'Berg' } });
    expect(updated).toEqual({ externalId: 'OMS-1', action: 'updated' });
    expect(oms.requests.at(-1)).toMatchObject({ method: 'PUT', path: PRIVATE_PATH });
    expect(oms.privateCustomers.get('OMS-1')).toMatchObject({ lastName: 'Berg', address: { countryCode: 'NO' }, marketGroupId: 'MG-NO' });
  });

  it('maps errors: 429 waits for Retry-After, 5xx retries, other 4xx fail at once; the key never shows', async () => {
    const c = connector();
    oms.fail({ status: 429, headers: { 'retry-after': '3' } });
    const limited = await c.push!(person).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RetryLaterError);
    expect((limited as RetryLaterError).retryAfterMs).toBe(3_000);

    oms.fail({ status: 503 });
    const unavailable = await c.lookup!('P1').catch((e: unknown) => e);
    expect(unavailable).not.toBeInstanceOf(InputError);
    expect((unavailable as Error).message).toMatch(/503/);

    oms.fail({ status: 400, body: { error: `bad request for key ${KEY}` } });
    const bad = await c.push!(person).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InputError);
    expect((bad as Error).message).toMatch(new RegExp(`POST ${oms.baseUrl}${PRIVATE_PATH}: 400`));
    expect((bad as Error).message).not.toContain(KEY);

    oms.fail({ status: 200, body: '{"result": [' });
    const malformed = await readAll(c.read((await c.listInputs())[0]!, { pageSize: 2 })).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(InputError);
    expect((malformed as Error).message).toMatch(/not JSON/);
  });
});
