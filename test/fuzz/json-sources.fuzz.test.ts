import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpConnectorSchema } from '../../src/connectors/http/http-config.js';
import { createHttpConnector } from '../../src/connectors/http/http-connector.js';
import { InputError } from '../../src/connectors/input-error.js';
import { omsConnectorSchema } from '../../src/connectors/oms/oms-config.js';
import { createOmsConnector } from '../../src/connectors/oms/oms-connector.js';
import { ConfigError, parseConfig } from '../../src/config/load-config.js';
import { customerRecordSchema } from '../../src/domain/customer-record-schema.js';
import { findUnstorableValue } from '../../src/domain/storable-values.js';
import { startLoopbackApi, type LoopbackApi } from '../support/loopback-api.js';
import { readAll } from './accounted-for.js';
import { FUZZ_TIMEOUT_MS, fuzzRuns } from './fuzz-settings.js';

/** A value like an API item: sometimes a plausible customer, with random parts anywhere. */
const plausibleCustomerArb = fc.record(
  {
    externalId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    customerId: fc.oneof(fc.string({ minLength: 1 }), fc.integer()),
    type: fc.constantFrom('PERSON', 'COMPANY', 'person', 7),
    name: fc.oneof(fc.record({ companyName: fc.string() }, { requiredKeys: [] }), fc.string()),
    firstName: fc.oneof(fc.string(), fc.constant(null)),
    lastName: fc.oneof(fc.string(), fc.constant(null)),
    email: fc.oneof(fc.string(), fc.emailAddress()),
    taxId: fc.string(),
    address: fc.oneof(fc.record({ line1: fc.string(), city: fc.string(), countryCode: fc.string(), email: fc.string() }, { requiredKeys: [] }), fc.constant(null)),
    customerRelations: fc.array(fc.record({ customerId: fc.string({ maxLength: 4 }), relationType: fc.constantFrom('Parent', 'SubDepartment', 'Sibling') }), { maxLength: 4 }),
    externalIds: fc.array(fc.record({ providerName: fc.constantFrom('Voyado', 'VoyadoContactId', 'Other'), id: fc.string() }), { maxLength: 3 }),
    customerAttributes: fc.array(fc.record({ key: fc.string(), value: fc.jsonValue() }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const itemArb = fc.oneof({ weight: 3, arbitrary: plausibleCustomerArb }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });

describe('fuzzing the JSON sources: HTTP and OMS items', () => {
  let api: LoopbackApi;
  let items: unknown[] = [];
  beforeAll(async () => {
    api = await startLoopbackApi((url) => {
      const first = (url.searchParams.get('page') ?? '1') === '1';
      const path = url.pathname;
      const slice = path.endsWith('BusinessCustomers') ? items.slice(Math.ceil(items.length / 2)) : path.endsWith('PrivateCustomers') ? items.slice(0, Math.ceil(items.length / 2)) : items;
      return { body: { result: first ? slice : [], items: first ? slice : [] } };
    });
  });
  afterAll(async () => api?.close());

  /** Every item is a valid record or a reject naming its position; nothing is thrown but input errors. */
  async function expectEveryItemAccountedFor(read: () => AsyncIterable<import('../../src/connectors/connector.js').ConnectorPage>) {
    const { pages, error } = await readAll(read());
    if (error !== undefined) expect(error, (error as Error).stack).toBeInstanceOf(InputError);
    else expect(pages.reduce((n, p) => n + p.fragments.length + p.rejects.length, 0)).toBe(items.length);
    for (const page of pages) {
      for (const reject of page.rejects) expect(reject.line).toBeGreaterThan(0);
      for (const { record } of page.fragments) {
        expect(customerRecordSchema.safeParse(record).success).toBe(true);
        // Values the database cannot store are refused by staging, naming the field; here they must be findable.
        const unstorable = findUnstorableValue(record);
        if (unstorable) expect(unstorable.path.length).toBeGreaterThan(0);
      }
    }
  }

  it('maps every HTTP item onto a valid record or a reject, with and without field mappings', async () => {
    const plain = createHttpConnector('api', httpConnectorSchema.parse({ type: 'http', baseUrl: api.baseUrl, pagination: { type: 'page' }, pageSize: 1_000 }));
    const mapped = createHttpConnector(
      'api',
      httpConnectorSchema.parse({
        type: 'http',
        baseUrl: api.baseUrl,
        pagination: { type: 'page' },
        pageSize: 1_000,
        fields: { externalId: 'customerId', type: 'type', 'name.companyName': 'name', customerAttributes: 'customerAttributes' },
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(itemArb, { maxLength: 8 }), async (generated) => {
        items = generated;
        for (const connector of [plain, mapped]) {
          const [input] = await connector.listInputs();
          await expectEveryItemAccountedFor(() => connector.read(input!, { pageSize: 1_000 }));
        }
      }),
      fuzzRuns(100, 0.3),
    );
  }, FUZZ_TIMEOUT_MS);

  it('maps every OMS item onto a valid record or a reject', async () => {
    const oms = createOmsConnector('oms', omsConnectorSchema.parse({ type: 'oms', baseUrl: api.baseUrl, marketGroupId: 'MG' }));
    await fc.assert(
      fc.asyncProperty(fc.array(itemArb, { maxLength: 8 }), async (generated) => {
        items = generated;
        const [input] = await oms.listInputs();
        await expectEveryItemAccountedFor(() => oms.read(input!, { pageSize: 1_000 }));
      }),
      fuzzRuns(100, 0.3),
    );
  }, FUZZ_TIMEOUT_MS);
});

describe('fuzzing the config loader', () => {
  const example = parse(readFileSync(new URL('../../custsync.config.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;

  /** Paths of every value in a JSON-like tree. */
  const pathsOf = (value: unknown, at: string[] = []): string[][] =>
    value !== null && typeof value === 'object'
      ? [at, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...at, k]))]
      : [at];
  const PATHS = pathsOf(example).filter((p) => p.length > 0);

  const setAt = (tree: unknown, path: string[], value: unknown): unknown => {
    if (path.length === 0) return value;
    const copy = (Array.isArray(tree) ? [...(tree as unknown[])] : { ...(tree as object) }) as Record<string, unknown>;
    const [head, ...rest] = path;
    if (value === undefined && rest.length === 0) delete copy[head!];
    else copy[head!] = setAt(copy[head!], rest, value);
    return copy;
  };

  const configTextArb = fc.oneof(
    fc.array(fc.record({ path: fc.constantFrom(...PATHS), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)) }), { minLength: 1, maxLength: 3 }).map((edits) =>
      stringify(edits.reduce<unknown>((tree, e) => setAt(tree, e.path, e.value), example)),
    ),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: fc.constantFrom('a', ':', ' ', '\n', '-', '[', '{', '"', '$', '}', '#', '&', '*', '!') as fc.Arbitrary<string>, maxLength: 80 }),
  );

  it('either loads a config or says every problem with its path, never anything else', () => {
    fc.assert(
      fc.property(configTextArb, (text) => {
        try {
          parseConfig(text, '/fuzz/custsync.config.yaml', '/fuzz', {});
        } catch (error) {
          expect(error, (error as Error).stack).toBeInstanceOf(ConfigError);
          expect((error as Error).message).toContain('/fuzz/custsync.config.yaml');
          expect((error as Error).message.split('\n').length).toBeGreaterThan(1);
        }
      }),
      fuzzRuns(300, 2),
    );
  }, FUZZ_TIMEOUT_MS);
});
