import { describe, expect, it } from 'vitest';
import { readHeaderRow } from '../../../src/connectors/flat-file/delimited-reader.js';
import { TEMPLATE_FIELDS } from '../../../src/connectors/flat-file/template-fields.js';
import { parseTemplateHeader, TemplateHeaderError } from '../../../src/connectors/flat-file/template-header.js';
import { SNAPSHOT_FILE, samplePath } from './sample-files.js';

function problemsOf(fields: string[], mapping?: Record<string, string>): string[] {
  try {
    parseTemplateHeader(fields, mapping);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateHeaderError);
    return (error as TemplateHeaderError).problems;
  }
  throw new Error('expected the header to be rejected');
}

const MINIMAL = ['profile_name', 'customer_code', 'address_type', 'price_type_currency_1', 'price_type_name_1', 'billing_code_1', 'billing_country_1'];

describe('template fields', () => {
  it('lists every field of the reference table', () => {
    expect(TEMPLATE_FIELDS).toHaveLength(41);
    const byName = new Map(TEMPLATE_FIELDS.map((f) => [f.name, f]));
    expect(byName.get('profile_name')).toMatchObject({ requirement: 'always', kind: 'Text', maxLength: 100, numbered: false });
    expect(byName.get('discount')).toMatchObject({ kind: 'Integer', maxLength: 3 });
    expect(byName.get('create_doors')).toMatchObject({ kind: 'Boolean', numbered: false });
    expect(byName.get('shipping_country')).toMatchObject({ requirement: 'shipping', numbered: true, maxLength: 100 });
    expect(byName.get('billing_code')).toMatchObject({ requirement: 'billing', numbered: true });
    expect(byName.get('price_type_currency')).toMatchObject({ requirement: 'priceType', maxLength: 3 });
    expect(byName.get('address_type')).toMatchObject({ kind: 'B or S' });
  });
});

describe('parseTemplateHeader', () => {
  it('locates the sample header columns, including numbered ones', async () => {
    const { row } = await readHeaderRow(samplePath(SNAPSHOT_FILE));
    const header = parseTemplateHeader(row.fields);
    expect(header.columnCount).toBe(45);
    expect(header.warnings).toEqual([]);
    expect(header.columns.get('profile_name')).toBe(0);
    expect(header.columns.get('buyer_email_2')).toBe(17);
    expect(header.columns.get('billing_country_1')).toBe(44);
    expect(header.groups.buyer).toEqual([1, 2]);
    expect(header.groups.priceType).toEqual([1, 2]);
    expect(header.groups.shippingAddress).toEqual([1]);
  });

  it('discovers numbered columns with any number, case-insensitively', () => {
    const header = parseTemplateHeader([...MINIMAL, 'Warehouse_Code_3', 'buyer_name_12', 'buyer_email_12', 'shipping_address_1_2']);
    expect(header.columns.get('warehouse_code_3')).toBe(7);
    expect(header.groups.warehouse).toEqual([3]);
    expect(header.groups.buyer).toEqual([12]);
    expect(header.groups.shippingAddress).toEqual([2]);
    expect(header.fileColumns.get('warehouse_code_3')).toBe('Warehouse_Code_3');
  });

  it('allows unknown and unnamed columns but reports them as warnings', () => {
    const header = parseTemplateHeader([...MINIMAL, 'erp_internal_id', '', 'buyer_name_1']);
    expect(header.columnCount).toBe(10);
    expect(header.warnings).toEqual([
      'column 8 (erp_internal_id) is not a template field and is ignored',
      'column 9 has no name and is ignored',
      'the header has buyer_name_1 but no buyer_email_1 column; rows with a buyer_name_1 will be rejected',
    ]);
  });

  it('lists every problem of an unusable header', () => {
    const problems = problemsOf(['profile_name', 'profile_name', 'price_type_currency_2', 'billing_code_1']);
    expect(problems).toEqual([
      'column profile_name appears more than once (columns 1 and 2)',
      'the header has no customer_code column',
      'the header has no address_type column',
      'the header has price_type_currency_2 but no price_type_name_2 column',
      'the header has billing_code_1 but no billing_country_1 column',
    ]);
    let message = '';
    try {
      parseTemplateHeader(['profile_name', 'profile_name']);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^unusable header row:\n- column profile_name appears more than once/);
    expect(message).toContain('- the header has no customer_code column');
  });

  it('suggests the template column a misspelled one most likely meant', () => {
    const header = parseTemplateHeader([...MINIMAL, 'custmer_alias', 'buyer_emial_2', 'billing_cty_1', 'colour']);
    expect(header.warnings).toEqual([
      'column 8 (custmer_alias) is not a template field and is ignored; did you mean customer_alias?',
      'column 9 (buyer_emial_2) is not a template field and is ignored; did you mean buyer_email_2?',
      'column 10 (billing_cty_1) is not a template field and is ignored; did you mean billing_city_1?',
      'column 11 (colour) is not a template field and is ignored',
    ]);
  });

  it('requires a country column for every address', () => {
    expect(problemsOf([...MINIMAL.filter((c) => c !== 'billing_country_1'), 'shipping_code_2', 'shipping_country_2'])).toEqual([
      'the header has billing_code_1 but no billing_country_1 column',
    ]);
  });

  it('requires price type and address columns', () => {
    expect(problemsOf(['profile_name', 'customer_code', 'address_type'])).toEqual([
      'the header has no price type columns (price_type_currency_1 and price_type_name_1)',
      'the header has no address columns (billing_code_1 or shipping_code_1)',
    ]);
    expect(problemsOf([])).toEqual(['the header row is empty']);
  });

  it('applies a column mapping for files that differ from the template', () => {
    const header = parseTemplateHeader(
      ['Name', 'CUST_NO', 'Type', 'Currency', 'Price Label', 'Bill To', 'Buyer 1 Name', 'Buyer 1 Email', 'customer_code', 'Country'],
      {
        profile_name: 'Name',
        customer_code: 'CUST_NO',
        address_type: 'Type',
        price_type_currency_1: 'Currency',
        price_type_name_1: 'Price Label',
        billing_code_1: 'Bill To',
        billing_country_1: 'Country',
        'buyer_name_%': 'Buyer % Name',
        'buyer_email_%': 'Buyer % Email',
      },
    );
    expect(header.columns.get('customer_code')).toBe(1);
    expect(header.columns.get('buyer_email_1')).toBe(7);
    expect(header.groups.buyer).toEqual([1]);
    expect(header.warnings).toEqual(['column 9 (customer_code) is not a template field and is ignored']);
  });

  it('reports a mapped column missing from the file and an invalid mapping', () => {
    expect(problemsOf(MINIMAL.map((c) => (c === 'customer_code' ? 'other' : c)), { customer_code: 'CUST_NO' })).toEqual([
      'the header has no customer_code (mapped to CUST_NO) column',
    ]);
    expect(problemsOf(MINIMAL, { nonsense: 'X', 'profile_name_%': 'P%', 'buyer_name_%': 'Buyer' })).toEqual([
      'columnMapping refers to nonsense, which is not a template field',
      'columnMapping refers to profile_name_%, which is not a numbered template field',
      'columnMapping for buyer_name_% must contain % where the number goes, got Buyer',
    ]);
  });
});
