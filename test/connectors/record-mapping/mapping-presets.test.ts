import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordMapper } from '../../../src/connectors/record-mapping/map-record.js';
import { mappingPathProblems } from '../../../src/connectors/record-mapping/mapping-schema-check.js';
import { MAPPING_PRESETS, type MappingPresetName } from '../../../src/connectors/record-mapping/mapping-presets.js';
import { recordValidator } from '../../../src/connectors/source-process/record-validator.js';
import { combineFragments } from '../../../src/merge/index.js';
import { TEST_WHEELS_DIR } from '../../support/source-packages.js';

const WHEELS = TEST_WHEELS_DIR;

/** The stream schemas a downloaded source wheel ships, by file name under its `schemas/` (shared ones as `shared/<name>`). */
function shippedSchemas(pkg: string): Map<string, Record<string, unknown>> {
  const wheel = readdirSync(WHEELS).find((f) => f.startsWith(`${pkg.replaceAll('-', '_')}-`));
  if (!wheel) throw new Error(`${pkg} is not downloaded: run scripts/install-source-packages.sh`);
  const script = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({n.split('/schemas/', 1)[1]: json.loads(z.read(n)) for n in z.namelist() if '/schemas/' in n and n.endswith('.json')}))`;
  return new Map(Object.entries(JSON.parse(execFileSync('python3', ['-c', script, join(WHEELS, wheel)], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Record<string, Record<string, unknown>>));
}

/** A schema with its `$ref`s to sibling files resolved, as the source's discovery resolves them. */
function resolved(schema: unknown, files: Map<string, Record<string, unknown>>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => resolved(s, files));
  if (schema === null || typeof schema !== 'object') return schema;
  const { $ref, ...rest } = schema as Record<string, unknown>;
  const base = typeof $ref === 'string' ? (resolved(files.get($ref) ?? files.get(`shared/${$ref}`), files) as object) : {};
  return { ...base, ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, resolved(v, files)])) };
}

/**
 * HubSpot's contacts and companies carry the portal's properties, which the source adds to the
 * shipped schema at discovery (as `properties`): these are HubSpot's default properties.
 */
const hubspotProperties = (names: string[]) => ({ properties: { type: ['null', 'object'], properties: Object.fromEntries(names.map((n) => [n, { type: ['null', 'string'] }])) } });

const schemas: Partial<Record<MappingPresetName, Record<string, unknown>>> = {};

beforeAll(() => {
  const hubspot = shippedSchemas('airbyte-source-hubspot');
  const contacts = hubspot.get('contacts.json')!;
  schemas['hubspot-contacts'] = {
    ...contacts,
    properties: { ...(contacts.properties as object), ...hubspotProperties(['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'address', 'city', 'state', 'zip', 'country', 'jobtitle', 'lifecyclestage']) },
  };
  schemas['hubspot-company-contacts'] = schemas['hubspot-contacts'];
  const companies = hubspot.get('companies.json')!;
  schemas['hubspot-companies'] = {
    ...companies,
    properties: { ...(companies.properties as object), ...hubspotProperties(['name', 'domain', 'phone', 'website', 'address', 'address2', 'city', 'state', 'zip', 'country', 'industry']) },
  };
  schemas['shopify-customers'] = shippedSchemas('airbyte-source-shopify').get('customers.json')!;
  const stripe = shippedSchemas('airbyte-source-stripe');
  schemas['stripe-customers'] = resolved(stripe.get('customers.json'), stripe) as Record<string, unknown>;
  // Salesforce ships no schema: its source describes each object of the org. These are the standard fields.
  const sf = (names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: ['null', 'string'] }])) });
  schemas['salesforce-accounts'] = sf(['Id', 'Name', 'Phone', 'Website', 'Industry', 'AccountNumber', 'ParentId', ...['Street', 'City', 'State', 'PostalCode', 'Country'].flatMap((f) => [`Billing${f}`, `Shipping${f}`])]);
  schemas['salesforce-contacts'] = sf(['Id', 'FirstName', 'LastName', 'Email', 'Phone', 'MobilePhone', 'Title', 'AccountId', 'MailingStreet', 'MailingCity', 'MailingState', 'MailingPostalCode', 'MailingCountry']);
});

/** A record of each preset's stream, shaped as the stream's schema says, and what it must map to. */
const SAMPLES: Record<MappingPresetName, { record: Record<string, unknown>; expected: Record<string, unknown> }> = {
  'hubspot-contacts': {
    record: { id: '151', archived: false, companies: ['9001', '9002'], properties: { firstname: 'Ann', lastname: 'Lee', email: ' Ann.Lee@Example.COM ', phone: '+47 22 00 00 00', city: 'Oslo', country: 'Norway', jobtitle: 'CFO' } },
    expected: { externalId: '151', type: 'PERSON', name: { firstName: 'Ann', lastName: 'Lee' }, relations: { parentExternalId: '9001' } },
  },
  'hubspot-company-contacts': {
    record: { id: '151', archived: false, companies: ['9001'], properties: { firstname: 'Ann', lastname: 'Lee', email: ' Ann.Lee@Example.COM ', phone: '+47 22 00 00 00' } },
    expected: { externalId: '9001', contactPersons: [{ id: '151', firstName: 'Ann', lastName: 'Lee', email: 'ann.lee@example.com', phone: '+47 22 00 00 00' }] },
  },
  'hubspot-companies': {
    record: { id: '9001', archived: false, contacts: ['151'], properties: { name: 'Acme AS', domain: 'acme.example', city: 'Oslo', country: 'Norway' } },
    expected: { externalId: '9001', type: 'COMPANY', name: { companyName: 'Acme AS' }, addresses: [{ type: 'billing', city: 'Oslo', country: 'Norway' }] },
  },
  'salesforce-accounts': {
    record: { Id: '001A', Name: 'Acme Corp', BillingCity: 'Austin', BillingCountry: 'US', ShippingCity: 'Dallas', ParentId: null },
    expected: { externalId: '001A', type: 'COMPANY', name: { companyName: 'Acme Corp' }, addresses: [{ type: 'billing', city: 'Austin', country: 'US' }, { type: 'shipping', city: 'Dallas' }], relations: {} },
  },
  'salesforce-contacts': {
    record: { Id: '003B', FirstName: 'Bo', LastName: 'Berg', Email: 'BO@ACME.EXAMPLE', AccountId: '001A' },
    expected: { externalId: '003B', type: 'PERSON', name: { firstName: 'Bo', lastName: 'Berg' }, customerContactDetails: [{ kind: 'email', value: 'bo@acme.example' }], relations: { parentExternalId: '001A' } },
  },
  'shopify-customers': {
    record: {
      id: 207119551,
      email: 'Bob.Norman@mail.example.com',
      first_name: 'Bob',
      last_name: 'Norman',
      tags: 'vip',
      addresses: [
        { id: 207119551, address1: 'Chestnut Street 92', city: 'Louisville', province_code: 'KY', zip: '40202', country_code: 'US', default: true },
        { id: 207119552, address1: '1 Main St', city: 'Boston', country_code: 'US', default: false },
      ],
    },
    expected: {
      externalId: '207119551',
      type: 'PERSON',
      addresses: [
        { code: '207119551', type: 'shipping', line1: 'Chestnut Street 92', city: 'Louisville', state: 'KY', zip: '40202', country: 'US' },
        { code: '207119552', type: 'shipping', line1: '1 Main St', city: 'Boston', country: 'US' },
      ],
      customerContactDetails: [{ kind: 'email', value: 'bob.norman@mail.example.com' }],
    },
  },
  'stripe-customers': {
    record: { id: 'cus_NffrFeUfNV2Hib', object: 'customer', name: 'Jenny Rosen', email: 'jennyrosen@example.com', address: { line1: '510 Townsend St', city: 'San Francisco', postal_code: '98140', country: 'US' }, shipping: null, currency: 'usd' },
    expected: {
      externalId: 'cus_NffrFeUfNV2Hib',
      type: 'PERSON',
      name: { displayName: 'Jenny Rosen' },
      addresses: [{ type: 'billing', line1: '510 Townsend St', city: 'San Francisco', zip: '98140', country: 'US' }],
    },
  },
};

describe('mapping presets', () => {
  for (const [name, preset] of Object.entries(MAPPING_PRESETS) as [MappingPresetName, (typeof MAPPING_PRESETS)[MappingPresetName]][]) {
    it(`${name}: every path is in the ${preset.stream} stream's schema, and a record of it maps to the customer it describes`, () => {
      const schema = schemas[name]!;
      expect(mappingPathProblems(preset.mapping, schema, preset.stream)).toEqual([]);
      const { record, expected } = SAMPLES[name];
      expect(recordValidator(schema).validate(record)).toBeUndefined();
      const mapped = recordMapper(preset.mapping)(record);
      expect(mapped.ok).toBe(true);
      expect(mapped.ok && mapped.record).toMatchObject(expected);
    });
  }
});

describe('hubspot-company-contacts', () => {
  const map = recordMapper(MAPPING_PRESETS['hubspot-company-contacts'].mapping);
  it("makes a company's associated contacts its contact persons, and skips a contact without a company", () => {
    const contact = (id: string, companies: string[], firstname: string) => map({ id, archived: false, companies, properties: { firstname, lastname: 'Lee' } });
    const fragments = [contact('151', ['9001'], 'Ann'), contact('152', ['9001', '9002'], 'Bo')].map((m) => (m.ok ? m.record : undefined)!);
    expect(combineFragments(fragments)).toEqual({
      externalId: '9001',
      contactPersons: [
        { id: '151', firstName: 'Ann', lastName: 'Lee' },
        { id: '152', firstName: 'Bo', lastName: 'Lee' },
      ],
    });
    expect(contact('153', [], 'Cy')).toEqual({ ok: false, skipped: true });
  });
});
