import { describe, expect, it } from 'vitest';
import type { Aspect, CustomerRecord } from '../../src/domain/customer-record.js';
import { diffCustomers, mergeCustomer, type MergedCustomer, type StepContribution } from '../../src/merge/index.js';
import { permuteKeys, seededRandom } from './arbitraries.js';

const step = (connector: string, aspects: readonly Aspect[], fields: Omit<CustomerRecord, 'externalId'>): StepContribution => ({
  connector,
  aspects,
  record: { externalId: 'C1', ...fields },
});

const base = mergeCustomer(
  undefined,
  [
    step('src', ['name', 'addresses', 'customerAttributes'], {
      type: 'COMPANY',
      name: { companyName: 'Acme' },
      addresses: [{ code: 'B1', type: 'billing', city: 'Oslo' }],
      customerAttributes: [{ key: 'vat', value: 'NO1' }, { key: 'group', value: 'retail' }],
    }),
  ],
  'r1',
);

describe('diffCustomers', () => {
  it('reports everything as added for a new customer', () => {
    expect(diffCustomers(undefined, base)).toEqual([
      { aspect: 'type', change: 'added', after: 'COMPANY' },
      { aspect: 'name', change: 'added', after: { companyName: 'Acme' } },
      { aspect: 'addresses', key: 'code:B1', change: 'added', after: { code: 'B1', type: 'billing', city: 'Oslo' } },
      { aspect: 'customerAttributes', key: 'group', change: 'added', after: { key: 'group', value: 'retail' } },
      { aspect: 'customerAttributes', key: 'vat', change: 'added', after: { key: 'vat', value: 'NO1' } },
    ]);
  });

  it('reports nothing for an identical customer', () => {
    expect(diffCustomers(base, base)).toEqual([]);
  });

  it('reports added, removed and changed values', () => {
    const after = mergeCustomer(
      base,
      [
        step('src', ['name', 'addresses', 'customerAttributes', 'relations'], {
          name: { companyName: 'Acme AS' },
          addresses: [{ code: 'B1', type: 'billing', city: 'Bergen' }],
          customerAttributes: [{ key: 'vat', value: 'NO1' }],
          relations: { parentExternalId: 'P1', relationType: 'Parent' },
        }),
      ],
      'r2',
    );
    expect(diffCustomers(base, after)).toEqual([
      { aspect: 'name', change: 'changed', before: { companyName: 'Acme' }, after: { companyName: 'Acme AS' } },
      {
        aspect: 'addresses',
        key: 'code:B1',
        change: 'changed',
        before: { code: 'B1', type: 'billing', city: 'Oslo' },
        after: { code: 'B1', type: 'billing', city: 'Bergen' },
      },
      { aspect: 'customerAttributes', key: 'group', change: 'removed', before: { key: 'group', value: 'retail' } },
      { aspect: 'relations', change: 'added', after: { parentExternalId: 'P1', relationType: 'Parent' } },
    ]);
  });

  it('reports a removed latest-connector value and a changed type', () => {
    const after: MergedCustomer = { ...base, type: 'PERSON' };
    delete after.name;
    expect(diffCustomers(base, after)).toEqual([
      { aspect: 'type', change: 'changed', before: 'COMPANY', after: 'PERSON' },
      { aspect: 'name', change: 'removed', before: { companyName: 'Acme' } },
    ]);
  });

  it('ignores provenance and supplier changes that leave values untouched', () => {
    const after = mergeCustomer(
      base,
      [
        step('src', ['name'], { name: { companyName: 'Acme' } }),
        step('crm', ['name', 'customerAttributes'], { name: { companyName: 'Acme' }, customerAttributes: [{ key: 'vat', value: 'NO1' }] }),
      ],
      'r2',
    );
    expect(after.name!.provenance.connector).toBe('crm');
    expect(after.items.customerAttributes.find((item) => item.key === 'vat')!.suppliedBy).toEqual(['crm', 'src']);
    expect(diffCustomers(base, after)).toEqual([]);
  });

  it('ignores key order within values', () => {
    expect(diffCustomers(base, permuteKeys(base, seededRandom(3)))).toEqual([]);
  });
});
