import { beforeAll, describe, expect, it } from 'vitest';
import type { DelimitedRow } from '../../../src/connectors/flat-file/delimited-reader.js';
import type { CustomerRecord } from '../../../src/domain/customer-record.js';
import { readHeaderRow } from '../../../src/connectors/flat-file/delimited-reader.js';
import { loadReferenceData, type ReferenceData } from '../../../src/connectors/flat-file/reference-data.js';
import { parseTemplateHeader, type TemplateHeader } from '../../../src/connectors/flat-file/template-header.js';
import { mapTemplateRow } from '../../../src/connectors/flat-file/template-row-mapper.js';
import {
  attributesOf,
  BAD_ROWS_FILE,
  combineByExternalId,
  DELTA_FILE,
  mapSampleFile,
  samplePath,
  SNAPSHOT_FILE,
} from './sample-files.js';

let referenceData: ReferenceData;
let header: TemplateHeader;
let headerFields: string[];

beforeAll(async () => {
  referenceData = await loadReferenceData(samplePath('reference-data.json'));
  headerFields = (await readHeaderRow(samplePath(SNAPSHOT_FILE))).row.fields;
  header = parseTemplateHeader(headerFields);
});

/** A valid billing row of the sample template, with some columns changed. */
function rowWith(values: Record<string, string>, fields = headerFields): DelimitedRow {
  const base: Record<string, string> = {
    profile_name: 'Test Co',
    customer_code: 'T1',
    price_type_currency_1: 'USD',
    price_type_name_1: 'US Dollar',
    address_type: 'B',
    billing_code_1: 'B-T1',
    billing_city_1: 'Paris',
    billing_country_1: 'FR',
  };
  const merged = { ...base, ...values };
  const cells = fields.map((f) => merged[f] ?? '');
  return { fields: cells, line: 7, endOffset: 0, raw: cells.join('|') };
}

function rejectOf(values: Record<string, string>, withReference = true) {
  const result = mapTemplateRow(rowWith(values), header, {
    fileName: 'test.txt',
    referenceData: withReference ? referenceData : undefined,
  });
  if (result.ok) throw new Error(`expected a reject, got ${JSON.stringify(result.record)}`);
  return result.reject;
}

function recordOf(values: Record<string, string>, fields = headerFields) {
  const rowHeader = fields === headerFields ? header : parseTemplateHeader(fields);
  const result = mapTemplateRow(rowWith(values, fields), rowHeader, { fileName: 'test.txt', referenceData });
  if (!result.ok) throw new Error(`expected a record, got ${result.reject.reason}`);
  return result.record;
}

describe('mapTemplateRow on the snapshot sample', () => {
  let customers: Map<string, CustomerRecord>;

  beforeAll(async () => {
    const { records, rejects } = await mapSampleFile(SNAPSHOT_FILE, referenceData);
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(8);
    customers = combineByExternalId(records);
  });

  it('yields 4 customers', () => {
    expect([...customers.keys()]).toEqual(['C1001', 'C1002', 'C1003', 'C1004']);
    for (const customer of customers.values()) expect(customer.type).toBe('COMPANY');
  });

  it('maps C1001 Acme Boutique from its three rows', () => {
    const acme = customers.get('C1001')!;
    expect(acme.name).toEqual({ companyName: 'Acme Boutique' });
    expect(acme.addresses).toEqual([
      {
        code: 'B-1001',
        type: 'billing',
        name: 'Acme Boutique AP',
        line1: '12 Madison Ave',
        line2: 'Floor 3',
        city: 'New York',
        state: 'NY',
        zip: '10010',
        country: 'US',
      },
      {
        code: 'S-1001-01',
        type: 'shipping',
        name: 'Acme SoHo',
        line1: '88 Spring St',
        city: 'New York',
        state: 'NY',
        zip: '10012',
        country: 'US',
      },
      {
        code: 'S-1001-02',
        type: 'shipping',
        name: 'Acme Boutique',
        line1: '500 Boylston St',
        city: 'Boston',
        state: 'MA',
        zip: '02116',
        country: 'US',
      },
    ]);
    expect(acme.contactPersons).toEqual([
      { fullName: 'Jane Roe', email: 'jane.roe@acme.example' },
      { fullName: 'Sam Poe', email: 'sam.poe@acme.example' },
    ]);
    expect(acme.customerAttributes).toEqual([
      { key: 'customerAlias', value: 'Acme' },
      { key: 'alternateName', value: 'Acme NYC' },
      { key: 'companyNumber', value: 'AH01' },
      { key: 'customerGroup', value: 'DS' },
      { key: 'discount', value: 10 },
      { key: 'discountLineItemLevel', value: true },
      { key: 'salesRep', value: 'SR07' },
      { key: 'warehouse:WH-E', value: 'WH-E' },
      { key: 'paymentTerms:NET30', value: 'NET30' },
      { key: 'shippingTerms:FOB', value: 'FOB' },
      { key: 'priceType:USD/US Dollar', value: 'US Dollar' },
      { key: 'priceType:EUR/Euro Wholesale', value: 'Euro Wholesale' },
    ]);
    expect(acme.customerContactDetails).toEqual([{ kind: 'website', value: 'https://acme.example' }]);
    expect(acme.addressContactDetails).toEqual([
      { addressKey: 'code:S-1001-01', kind: 'email', value: 'soho@acme.example' },
      { addressKey: 'code:S-1001-01', kind: 'phone', value: '+1 212 555 0101' },
    ]);
    expect(acme.addressAttributes).toEqual([
      { addressKey: 'code:S-1001-01', key: 'createDoors', value: true },
      { addressKey: 'code:S-1001-02', key: 'createDoors', value: true },
    ]);
  });

  it('maps C1002 with UTF-8 city names and no state for SE', () => {
    const nordic = customers.get('C1002')!;
    expect(nordic.addresses).toEqual([
      { code: 'B-1002', type: 'billing', name: 'Nordic Style AB', line1: 'Drottninggatan 5', city: 'Stockholm', zip: '111 51', country: 'SE' },
      { code: 'S-1002-01', type: 'shipping', name: 'Nordic Style Göteborg', line1: 'Kungsgatan 12', city: 'Göteborg', zip: '411 19', country: 'SE' },
    ]);
    expect(nordic.addressAttributes).toEqual([{ addressKey: 'code:S-1002-01', key: 'createDoors', value: false }]);
    expect(nordic.addressContactDetails).toEqual([]);
    expect(attributesOf(nordic)).toEqual({
      customerAlias: 'Nordic Style',
      customerGroup: 'SP',
      salesRep: 'SR02',
      'warehouse:WH-EU': 'WH-EU',
      'paymentTerms:PRE': 'PRE',
      'shippingTerms:DAP': 'DAP',
      'priceType:EUR/Euro Wholesale': 'Euro Wholesale',
    });
    expect(nordic.contactPersons).toEqual([{ fullName: 'Lars Berg', email: 'lars@nordicstyle.example' }]);
  });

  it('maps C1003 with a Japanese alternate name and an order-level discount', () => {
    const tokyo = customers.get('C1003')!;
    expect(attributesOf(tokyo)).toMatchObject({
      alternateName: '東京セレクト',
      discount: 5,
      discountLineItemLevel: false,
      'priceType:JPY/Japanese Yen': 'Japanese Yen',
    });
    expect(tokyo.addresses?.map((a) => [a.code, a.state, a.country])).toEqual([
      ['B-1003', 'Tokyo', 'JP'],
      ['S-1003-01', 'Tokyo', 'JP'],
    ]);
  });

  it('maps C1004 with its quoted name, which its billing address defaults to', () => {
    const smith = customers.get('C1004')!;
    expect(smith.name).toEqual({ companyName: 'Smith & Sons "Outfitters"' });
    expect(smith.addresses).toEqual([
      { code: 'B-1004', type: 'billing', name: 'Smith & Sons "Outfitters"', line1: '77 Main St', city: 'Burlington', state: 'VT', zip: '05401', country: 'US' },
    ]);
    expect(smith.contactPersons).toEqual([]);
    expect(smith.customerContactDetails).toEqual([]);
    expect(attributesOf(smith)).toEqual({
      customerAlias: 'Smith & Sons',
      customerGroup: 'IN',
      salesRep: 'SR07',
      'warehouse:WH-E': 'WH-E',
      'paymentTerms:NET30': 'NET30',
      'shippingTerms:FOB': 'FOB',
      'priceType:USD/US Dollar': 'US Dollar',
    });
  });

  it('always includes every aspect the template covers', () => {
    for (const customer of customers.values()) {
      for (const aspect of ['addresses', 'contactPersons', 'customerAttributes', 'customerContactDetails', 'addressContactDetails', 'addressAttributes'] as const) {
        expect(Array.isArray(customer[aspect])).toBe(true);
      }
    }
  });
});

describe('mapTemplateRow on the delta sample', () => {
  it('maps C1001 changes and the new C1005', async () => {
    const { records, rejects } = await mapSampleFile(DELTA_FILE, referenceData);
    expect(rejects).toEqual([]);
    const customers = combineByExternalId(records);
    expect([...customers.keys()]).toEqual(['C1001', 'C1005']);
    const acme = customers.get('C1001')!;
    expect(attributesOf(acme)).toMatchObject({ discount: 15, 'paymentTerms:NET45': 'NET45' });
    expect(attributesOf(acme)).not.toHaveProperty(['paymentTerms:NET30']);
    expect(acme.addresses?.find((a) => a.code === 'B-1001')?.line2).toBe('Floor 4');
    expect(acme.addresses?.map((a) => a.code)).toEqual(['B-1001', 'S-1001-01', 'S-1001-02', 'S-1001-03']);
    expect(acme.addresses?.[3]).toMatchObject({ name: 'Acme Chicago', city: 'Chicago', state: 'IL' });
    expect(customers.get('C1005')?.name).toEqual({ companyName: 'Windy Peak Outdoor' });
  });
});

describe('mapTemplateRow on the bad-rows sample', () => {
  it('rejects each bad row with its line and reason and accepts only C2008', async () => {
    const { records, rejects } = await mapSampleFile(BAD_ROWS_FILE, referenceData);
    expect(records.map((r) => r.externalId)).toEqual(['C2008']);
    expect(records[0]!.addresses).toEqual([
      { code: 'B-2008', type: 'billing', name: 'Good Row Among Bad', line1: '6 Cedar St', city: 'Boise', state: 'ID', zip: '83702', country: 'US' },
    ]);
    expect(rejects.map((reject) => ({ ...reject, raw: undefined }))).toEqual([
      {
        source: BAD_ROWS_FILE,
        line: 2,
        externalId: 'C2001',
        field: 'shipping_state_1',
        reason: 'shipping_state_1 is required when shipping_country_1 is CA',
      },
      { source: BAD_ROWS_FILE, line: 3, externalId: 'C2002', field: 'profile_name', reason: 'profile_name is required' },
      {
        source: BAD_ROWS_FILE,
        line: 4,
        externalId: 'C2003',
        field: 'buyer_email_1',
        reason: 'buyer_email_1 is required when buyer_name_1 is given',
      },
      {
        source: BAD_ROWS_FILE,
        line: 5,
        externalId: 'C2004',
        field: 'discount_line_item_level',
        reason: 'discount_line_item_level is required when discount is given',
      },
      {
        source: BAD_ROWS_FILE,
        line: 6,
        externalId: 'C2005',
        field: 'price_type_currency_1',
        reason: 'price type XXX / Mystery Money is not in the reference data',
      },
      {
        source: BAD_ROWS_FILE,
        line: 7,
        externalId: 'C2006',
        field: 'sales_rep_code',
        reason: 'sales rep SR99 is not in the reference data',
      },
      {
        source: BAD_ROWS_FILE,
        line: 8,
        externalId: 'C2009',
        field: 'profile_name',
        reason: 'profile_name is longer than 100 characters (101)',
      },
      { source: BAD_ROWS_FILE, line: 10, externalId: 'C2007', reason: 'row has 4 columns where the header has 45' },
    ]);
    expect(rejects[7]!.raw).toBe('Too Few Columns|C2007|x|y');
    expect(rejects[1]!.raw?.startsWith('|C2002|')).toBe(true);
  });

  it('accepts the reference-data failures when no reference data is given', async () => {
    const { records } = await mapSampleFile(BAD_ROWS_FILE);
    expect(records.map((r) => r.externalId)).toEqual(['C2005', 'C2006', 'C2008']);
  });
});

describe('mapTemplateRow rules', () => {
  it('applies the conditional rules to a row whose address type is unknown, except the address ones', () => {
    const reject = rejectOf({ address_type: 'X', discount: '5', billing_state_1: '', billing_country_1: 'US' });
    expect(reject.field).toBe('address_type, discount_line_item_level');
  });

  it('reports every problem of a row at once, naming each column', () => {
    const reject = rejectOf({
      profile_name: '',
      discount: '12.5',
      buyer_name_1: 'Ann Buyer',
      buyer_email_1: '',
      billing_country_1: 'US',
      sales_rep_code: 'SR99',
    });
    expect(reject.field).toBe('profile_name, discount, discount_line_item_level, buyer_email_1, billing_state_1, sales_rep_code');
    expect(reject.reason).toBe(
      [
        'profile_name is required',
        'discount must be a whole number of at most 3 digits, got 12.5',
        'discount_line_item_level is required when discount is given',
        'buyer_email_1 is required when buyer_name_1 is given',
        'billing_state_1 is required when billing_country_1 is US',
        'sales rep SR99 is not in the reference data',
      ].join('; '),
    );
  });

  it('maps a minimal valid row', () => {
    expect(recordOf({})).toEqual({
      externalId: 'T1',
      type: 'COMPANY',
      name: { companyName: 'Test Co' },
      addresses: [{ code: 'B-T1', type: 'billing', name: 'Test Co', city: 'Paris', country: 'FR' }],
      contactPersons: [],
      customerAttributes: [{ key: 'priceType:USD/US Dollar', value: 'US Dollar' }],
      customerContactDetails: [],
      addressContactDetails: [],
      addressAttributes: [],
    });
  });

  it.each([
    [{ customer_code: '' }, 'customer_code', 'customer_code is required'],
    [{ address_type: '' }, 'address_type', 'address_type is required (B for billing or S for shipping)'],
    [{ address_type: 'X' }, 'address_type', 'address_type must be B or S, got X'],
    [{ discount: '12.5', discount_line_item_level: 'Y' }, 'discount', 'discount must be a whole number of at most 3 digits, got 12.5'],
    [{ discount: '1000', discount_line_item_level: 'Y' }, 'discount', 'discount must be a whole number of at most 3 digits, got 1000'],
    [{ discount: '5', discount_line_item_level: 'maybe' }, 'discount_line_item_level', 'discount_line_item_level must be Y/N, yes/no, true/false or 1/0, got maybe'],
    [{ billing_code_1: '' }, 'billing_code_1', 'billing_code_1 is required for a billing address (address_type B)'],
    [{ billing_country_1: '' }, 'billing_country_1', 'billing_country_1 is required for a billing address (address_type B)'],
    [{ billing_country_1: 'AU' }, 'billing_state_1', 'billing_state_1 is required when billing_country_1 is AU'],
    [{ address_type: 'S', shipping_code_1: 'S-1' }, 'shipping_country_1', 'shipping_country_1 is required for a shipping address (address_type S)'],
    [
      { address_type: 'S', shipping_code_1: 'S-1', shipping_country_1: 'FR', create_doors: 'perhaps' },
      'create_doors',
      'create_doors must be Y/N, yes/no, true/false or 1/0, got perhaps',
    ],
    [{ price_type_currency_1: '', price_type_name_1: '' }, 'price_type_currency_1', 'a price type is required: price_type_currency_1 and price_type_name_1 are empty'],
    [{ price_type_currency_2: 'EUR' }, 'price_type_name_2', 'price_type_name_2 is required when price_type_currency_2 is given'],
    [{ buyer_name_2: 'Al', buyer_email_2: '' }, 'buyer_email_2', 'buyer_email_2 is required when buyer_name_2 is given'],
    [{ billing_city_1: 'x'.repeat(151) }, 'billing_city_1', 'billing_city_1 is longer than 150 characters (151)'],
    [{ payment_terms_code_1: 'NET99' }, 'payment_terms_code_1', 'payment terms NET99 is not in the reference data'],
    [{ payment_terms_1: 'Net 99' }, 'payment_terms_1', 'payment terms Net 99 is not in the reference data'],
    [{ shipping_terms_1: 'CIF' }, 'shipping_terms_1', 'shipping terms CIF is not in the reference data'],
    [{ warehouse_code_1: 'WH-X' }, 'warehouse_code_1', 'warehouse WH-X is not in the reference data'],
    [{ customer_group_code: 'ZZ' }, 'customer_group_code', 'customer group ZZ is not in the reference data'],
    [{ company_number_code: 'XX99' }, 'company_number_code', 'company number XX99 is not in the reference data'],
  ] as [Record<string, string>, string, string][])('rejects %j', (values, field, reason) => {
    expect(rejectOf(values)).toEqual({
      source: 'test.txt',
      line: 7,
      ...(values.customer_code === '' ? {} : { externalId: 'T1' }),
      field,
      reason,
      raw: rowWith(values).raw,
    });
  });

  it('counts characters, not bytes or UTF-16 units, against max lengths', () => {
    expect(recordOf({ profile_name: '😀'.repeat(100) }).name).toEqual({ companyName: '😀'.repeat(100) });
    expect(rejectOf({ profile_name: 'ö'.repeat(101) }).reason).toBe('profile_name is longer than 100 characters (101)');
  });

  it('accepts the boolean spellings and trims values', () => {
    for (const [value, expected] of [['yes', true], ['TRUE', true], ['1', true], ['No', false], ['false', false], ['0', false], ['n', false]] as const) {
      expect(attributesOf(recordOf({ discount: ' 7 ', discount_line_item_level: value }))).toMatchObject({
        discount: 7,
        discountLineItemLevel: expected,
      });
    }
    expect(recordOf({ address_type: 'b', profile_name: '  Padded  ' }).name).toEqual({ companyName: 'Padded' });
  });

  it('resolves names to codes through the reference data', () => {
    const record = recordOf({ payment_terms_1: 'net 60', warehouse_name_1: 'Asia DC', customer_group_name: 'Specialty', company_number_name: 'Acme Holdings' });
    expect(attributesOf(record)).toMatchObject({
      'paymentTerms:NET60': 'NET60',
      'warehouse:WH-AS': 'WH-AS',
      customerGroup: 'SP',
      companyNumber: 'AH01',
    });
  });

  it('ignores the columns of the other address type', () => {
    const record = recordOf({ shipping_code_1: 'S-1', shipping_city_1: 'x'.repeat(500), create_doors: 'bad' });
    expect(record.addresses?.map((a) => a.code)).toEqual(['B-T1']);
    expect(record.addressAttributes).toEqual([]);
  });

  it('maps further numbered addresses and buyers of a row', () => {
    const fields = [...headerFields, 'shipping_code_2', 'shipping_name_2', 'shipping_country_2', 'shipping_phone_2', 'buyer_name_3', 'buyer_email_3'];
    const record = recordOf(
      {
        address_type: 'S',
        shipping_code_1: 'S-1',
        shipping_country_1: 'FR',
        shipping_code_2: 'S-2',
        shipping_country_2: 'DE',
        shipping_phone_2: '+49 30 1',
        create_doors: 'Y',
        buyer_email_3: 'only@example.com',
      },
      fields,
    );
    expect(record.addresses).toEqual([
      { code: 'S-1', type: 'shipping', name: 'Test Co', country: 'FR' },
      { code: 'S-2', type: 'shipping', name: 'Test Co', country: 'DE' },
    ]);
    expect(record.addressContactDetails).toEqual([{ addressKey: 'code:S-2', kind: 'phone', value: '+49 30 1' }]);
    expect(record.addressAttributes).toEqual([
      { addressKey: 'code:S-1', key: 'createDoors', value: true },
      { addressKey: 'code:S-2', key: 'createDoors', value: true },
    ]);
    expect(record.contactPersons).toEqual([{ email: 'only@example.com' }]);

    const incomplete = parseTemplateHeader(fields);
    const result = mapTemplateRow(
      rowWith({ address_type: 'S', shipping_code_1: 'S-1', shipping_country_1: 'FR', shipping_name_2: 'Half' }, fields),
      incomplete,
      { fileName: 'test.txt' },
    );
    expect(result.ok ? undefined : result.reject.reason).toBe(
      'shipping_code_2 is required for a shipping address (address_type S); shipping_country_2 is required for a shipping address (address_type S)',
    );
  });
});
