import { describe, expect, it } from 'vitest';
import { ASPECTS, type CustomerRecord } from '../../src/domain/customer-record.js';
import { DUPLICATE_KEY_KINDS } from '../../src/domain/duplicate-settings.js';
import { mergeCustomer } from '../../src/merge/index.js';
import { cleanVatNumber, customerMatchKeys, nameKey, phoneE164 } from '../../src/merge/match-keys.js';
import { nameSimilarity, scoreDuplicate } from '../../src/merge/duplicate-score.js';

const merged = (connector: string, record: CustomerRecord) => mergeCustomer(undefined, [{ connector, aspects: ASPECTS, record }], 'run-1');

const fromErp = merged('erp', {
  externalId: 'C1001',
  type: 'COMPANY',
  name: { companyName: 'ACME Trading GmbH' },
  addresses: [{ type: 'billing', line1: 'Hauptstr. 1', zip: '10115', city: 'Berlin', country: 'DE' }],
  customerContactDetails: [
    { kind: 'email', value: ' Info@Acme.example ' },
    { kind: 'phone', value: '030 1234567' },
  ],
  customerAttributes: [{ key: 'vatNumber', value: 'DE 123 456 789' }],
});
const fromOms = merged('oms', {
  externalId: 'B-200',
  type: 'COMPANY',
  name: { companyName: 'Acme Trading' },
  addresses: [{ type: 'billing', zip: '10 115', city: 'BERLIN', country: 'de' }],
  customerContactDetails: [
    { kind: 'email', value: 'info@acme.example' },
    { kind: 'mobile', value: '+49 (30) 123-4567' },
  ],
});
const fromApi = merged('api', {
  externalId: 'crm/acme',
  type: 'COMPANY',
  name: { companyName: 'Acme Tradng' },
  addresses: [{ type: 'shipping', zip: '10115', country: 'DE' }],
  customerContactDetails: [{ kind: 'phone', value: '0049301234567' }],
});

const keys = (customer: ReturnType<typeof merged>) => customerMatchKeys(customer, DUPLICATE_KEY_KINDS);
const shared = (a: ReturnType<typeof merged>, b: ReturnType<typeof merged>) => {
  const theirs = new Set(keys(b).map((k) => `${k.kind}:${k.value}`));
  return keys(a).filter((k) => theirs.has(`${k.kind}:${k.value}`));
};

describe('match keys', () => {
  it('normalizes an email, a phone in three formats, a VAT number and a name to the same keys', () => {
    expect(keys(fromErp)).toEqual([
      { kind: 'email', value: 'info@acme.example' },
      { kind: 'vat', value: '123456789' },
      { kind: 'phone', value: '+49301234567' },
      { kind: 'name', value: 'zip:DE:10115|ac' },
    ]);
    expect(keys(fromOms).map((k) => k.value)).toEqual(['info@acme.example', '+49301234567', 'zip:DE:10115|ac']);
    expect(keys(fromApi).map((k) => k.value)).toEqual(['+49301234567', 'zip:DE:10115|ac']);
  });

  it('takes only the kinds asked for', () => {
    expect(customerMatchKeys(fromErp, ['vat'])).toEqual([{ kind: 'vat', value: '123456789' }]);
  });

  it('drops legal forms, accents and word order from a name', () => {
    expect(nameKey({ value: { companyName: 'The Müller & Söhne GmbH' }, provenance: { connector: 'x', runId: 'r' } })).toBe('muller sohne');
    expect(nameKey({ value: { firstName: 'Anna', lastName: 'Berg' }, provenance: { connector: 'x', runId: 'r' } })).toBe(
      nameKey({ value: { displayName: 'Berg, Anna' }, provenance: { connector: 'x', runId: 'r' } }),
    );
  });

  it('cleans VAT numbers and reads phones in the customer country', () => {
    expect(cleanVatNumber('gb 123.456.789')).toBe('123456789');
    expect(cleanVatNumber('NO 999 888 777 MVA')).toBe('999888777');
    expect(cleanVatNumber('1234567T')).toBe('1234567T');
    expect(phoneE164('(030) 1234567', 'DE')).toBe('+49301234567');
    expect(phoneE164('+1 212 555 0100', undefined)).toBe('+12125550100');
    expect(phoneE164('12', 'DE')).toBeUndefined();
    expect(phoneE164('not a number', 'DE')).toBeUndefined();
  });
});

describe('scoring a pair', () => {
  const scored = (customer: ReturnType<typeof merged>) => ({ type: customer.type, nameKey: nameKey(customer.name) });

  it('calls a shared email or VAT number strong', () => {
    const score = scoreDuplicate(scored(fromErp), scored(fromOms), shared(fromErp, fromOms));
    expect(score?.strength).toBe('strong');
    expect(score?.reasons.map((r) => r.kind)).toEqual(['email', 'name', 'phone']);
    expect(score?.nameSimilarity).toBe(1);
  });

  it('calls a shared phone and a similar name in the same place weak', () => {
    const score = scoreDuplicate(scored(fromOms), scored(fromApi), shared(fromOms, fromApi));
    expect(score).toEqual({
      strength: 'weak',
      reasons: [
        { kind: 'name', value: 'zip:DE:10115|ac' },
        { kind: 'phone', value: '+49301234567' },
      ],
      nameSimilarity: 0.917,
    });
  });

  it('is no candidate for a block alone when the names differ, nor for a person and a company', () => {
    const other = merged('oms', { externalId: 'B-9', type: 'COMPANY', name: { companyName: 'Acorn Bakery' }, addresses: [{ type: 'billing', zip: '10115', country: 'DE' }] });
    expect(shared(fromErp, other)).toEqual([{ kind: 'name', value: 'zip:DE:10115|ac' }]);
    expect(scoreDuplicate(scored(fromErp), scored(other), shared(fromErp, other))).toBeUndefined();
    const person = merged('oms', { externalId: 'P-1', type: 'PERSON', name: { firstName: 'Info' }, customerContactDetails: [{ kind: 'email', value: 'info@acme.example' }] });
    expect(scoreDuplicate(scored(fromErp), scored(person), shared(fromErp, person))).toBeUndefined();
  });

  it('measures name similarity from 0 to 1', () => {
    expect(nameSimilarity('acme', 'acme')).toBe(1);
    expect(nameSimilarity('', '')).toBe(0);
    expect(nameSimilarity('abcd', 'wxyz')).toBe(0);
  });
});
