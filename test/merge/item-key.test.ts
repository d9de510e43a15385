import { describe, expect, it } from 'vitest';
import { itemKey, normalizeContactValue, normalizeEmail, normalizePhone } from '../../src/merge/index.js';

describe('normalizeEmail', () => {
  it('trims and lowercases', () => {
    expect(normalizeEmail('  Ann.Lee@Example.COM ')).toBe('ann.lee@example.com');
  });
});

describe('normalizePhone', () => {
  it('keeps digits and a leading plus only', () => {
    expect(normalizePhone(' +1 (555) 010-0100 ')).toBe('+15550100100');
    expect(normalizePhone('0047 22-00.11')).toBe('0047220011');
  });

  it('drops a plus that is not leading', () => {
    expect(normalizePhone('555+1')).toBe('5551');
  });
});

describe('normalizeContactValue', () => {
  it('normalizes by kind', () => {
    expect(normalizeContactValue('Email', ' Info@X.io ')).toBe('info@x.io');
    expect(normalizeContactValue('mobile', '+47 900 00 000')).toBe('+4790000000');
    expect(normalizeContactValue('fax', '(22) 00')).toBe('2200');
    expect(normalizeContactValue('website', '  WWW.X.io  ')).toBe('www.x.io');
  });
});

describe('itemKey', () => {
  it('identifies a contact person by id, else normalized email, else normalized full name', () => {
    expect(itemKey('contactPersons', { id: 'p1', email: 'ann@x.io' })).toBe('id:p1');
    expect(itemKey('contactPersons', { email: '  ANN@X.io ' })).toBe('email:ann@x.io');
    expect(itemKey('contactPersons', { id: '', email: 'Ann@x.io' })).toBe('email:ann@x.io');
    expect(itemKey('contactPersons', { fullName: '  Ann   LEE ' })).toBe('name:ann lee');
    expect(itemKey('contactPersons', { firstName: 'Ann', lastName: 'Lee' })).toBe('name:ann lee');
  });

  it('gives differently spelled but equal contacts the same key', () => {
    expect(itemKey('contactPersons', { email: 'ann@x.io', firstName: 'Ann' })).toBe(
      itemKey('contactPersons', { email: 'ANN@x.io ', firstName: 'A.' }),
    );
  });

  it('identifies an address by code, else by its normalized fields', () => {
    expect(itemKey('addresses', { code: 'B1', type: 'billing', city: 'Oslo' })).toBe('code:B1');
    expect(
      itemKey('addresses', { type: 'shipping', line1: ' Main  St 1 ', city: 'OSLO', zip: '0150', country: 'NO' }),
    ).toBe('addr:shipping|main st 1||oslo||0150|no');
  });

  it('ignores the address name but distinguishes the address type', () => {
    const base = { type: 'billing' as const, line1: 'Main St 1', city: 'Oslo' };
    expect(itemKey('addresses', { ...base, name: 'HQ' })).toBe(itemKey('addresses', { ...base, name: 'Head office' }));
    expect(itemKey('addresses', base)).not.toBe(itemKey('addresses', { ...base, type: 'shipping' }));
  });

  it('identifies attributes by key, scoped to their address or contact', () => {
    expect(itemKey('customerAttributes', { key: 'vat', value: 'NO123' })).toBe('vat');
    expect(itemKey('addressAttributes', { addressKey: 'code:B1', key: 'dock', value: 3 })).toBe('code:B1|dock');
    expect(itemKey('contactPersonAttributes', { contactKey: 'id:p1', key: 'role', value: 'buyer' })).toBe('id:p1|role');
  });

  it('identifies contact details by kind and normalized value', () => {
    expect(itemKey('customerContactDetails', { kind: 'email', value: ' Info@X.io' })).toBe('email|info@x.io');
    expect(itemKey('customerContactDetails', { kind: 'phone', value: '+47 22 00 11' })).toBe('phone|+47220011');
    expect(itemKey('customerContactDetails', { kind: 'Website', value: ' X.io ' })).toBe('website|x.io');
    expect(itemKey('addressContactDetails', { addressKey: 'code:S1', kind: 'phone', value: '(22) 00' })).toBe(
      'code:S1|phone|2200',
    );
    expect(
      itemKey('contactPersonContactDetails', { contactKey: 'email:ann@x.io', kind: 'email', value: 'ANN@x.io' }),
    ).toBe('email:ann@x.io|email|ann@x.io');
  });

  it('identifies an attachment by name, else checksum', () => {
    expect(itemKey('attachments', { name: 'terms.pdf', checksum: 'abc' })).toBe('name:terms.pdf');
    expect(itemKey('attachments', { checksum: 'abc', url: 'https://x.io/a' })).toBe('checksum:abc');
  });
});
