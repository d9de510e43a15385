import { describe, expect, it } from 'vitest';
import { combineFragments, MergeConflictError } from '../../src/merge/index.js';

describe('combineFragments', () => {
  it('refuses fragments that make one id both a person and a company', () => {
    const combine = () =>
      combineFragments([
        { externalId: 'X1', type: 'PERSON', name: { firstName: 'A' } },
        { externalId: 'X1', type: 'COMPANY', name: { companyName: 'A AS' } },
      ]);
    expect(combine).toThrow(MergeConflictError);
    expect(combine).toThrow(/customer X1 is reported both as PERSON and as COMPANY/);
  });

  it('combines one row per address into one record', () => {
    const combined = combineFragments([
      {
        externalId: 'C1',
        type: 'COMPANY',
        name: { companyName: 'Acme' },
        addresses: [{ code: 'B1', type: 'billing', city: 'Oslo' }],
        customerAttributes: [{ key: 'vat', value: 'NO1' }],
      },
      {
        externalId: 'C1',
        type: 'COMPANY',
        name: { companyName: 'Acme AS' },
        addresses: [{ code: 'S1', type: 'shipping', city: 'Bergen' }],
        customerAttributes: [{ key: 'vat', value: 'NO1' }],
      },
    ]);
    expect(combined).toEqual({
      externalId: 'C1',
      type: 'COMPANY',
      name: { companyName: 'Acme AS' },
      addresses: [
        { code: 'B1', type: 'billing', city: 'Oslo' },
        { code: 'S1', type: 'shipping', city: 'Bergen' },
      ],
      customerAttributes: [{ key: 'vat', value: 'NO1' }],
    });
  });

  it('takes type, name and relations from the last fragment that has them', () => {
    const combined = combineFragments([
      { externalId: 'C1', type: 'PERSON', name: { firstName: 'Ann' }, relations: { parentExternalId: 'P1' } },
      { externalId: 'C1', name: { firstName: 'Anne' } },
      { externalId: 'C1' },
    ]);
    expect(combined).toEqual({
      externalId: 'C1',
      type: 'PERSON',
      name: { firstName: 'Anne' },
      relations: { parentExternalId: 'P1' },
    });
  });

  it('dedupes items by identity: the later item wins in the earlier position', () => {
    const combined = combineFragments([
      { externalId: 'C1', contactPersons: [{ email: 'ann@x.io', firstName: 'A' }, { email: 'bob@x.io' }] },
      { externalId: 'C1', contactPersons: [{ email: 'cid@x.io' }, { email: ' ANN@x.io', firstName: 'Ann' }] },
    ]);
    expect(combined.contactPersons).toEqual([
      { email: ' ANN@x.io', firstName: 'Ann' },
      { email: 'bob@x.io' },
      { email: 'cid@x.io' },
    ]);
  });

  it('keeps an aspect absent from all fragments absent, and an empty list empty', () => {
    const combined = combineFragments([
      { externalId: 'C1', attachments: [] },
      { externalId: 'C1' },
    ]);
    expect(combined).toEqual({ externalId: 'C1', attachments: [] });
    expect(combined).not.toHaveProperty('addresses');
    expect(combined).not.toHaveProperty('name');
  });

  it('takes the external id from the first fragment', () => {
    expect(combineFragments([{ externalId: 'C1' }, { externalId: 'C2' }]).externalId).toBe('C1');
  });

  it('rejects an empty fragment list', () => {
    expect(() => combineFragments([])).toThrow(/at least one fragment/);
  });
});
