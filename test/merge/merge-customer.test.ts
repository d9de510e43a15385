import { describe, expect, it } from 'vitest';
import type { Aspect, CustomerRecord } from '../../src/domain/customer-record.js';
import {
  contentHash,
  emptyItems,
  MergeConflictError,
  mergeCustomer,
  type MergedCustomer,
  type StepContribution,
} from '../../src/merge/index.js';

const record = (fields: Omit<Partial<CustomerRecord>, 'externalId'> = {}): CustomerRecord => ({
  externalId: 'C1001',
  ...fields,
});

const step = (connector: string, aspects: readonly Aspect[], fields?: Omit<Partial<CustomerRecord>, 'externalId'>): StepContribution =>
  fields === undefined ? { connector, aspects } : { connector, aspects, record: record(fields) };

const source = (fields: Omit<Partial<CustomerRecord>, 'externalId'>, aspects: readonly Aspect[] = ['name', 'addresses', 'customerAttributes']) =>
  step('src', aspects, { type: 'COMPANY', ...fields });

describe('emptyItems', () => {
  it('has an empty list for every multiple aspect', () => {
    expect(emptyItems()).toEqual({
      contactPersons: [],
      addresses: [],
      customerAttributes: [],
      addressAttributes: [],
      contactPersonAttributes: [],
      customerContactDetails: [],
      addressContactDetails: [],
      contactPersonContactDetails: [],
      attachments: [],
    });
  });
});

describe('mergeCustomer: a new customer', () => {
  it('takes the type, name and items from the source with provenance', () => {
    const merged = mergeCustomer(
      undefined,
      [
        source({
          name: { companyName: 'Acme' },
          addresses: [
            { code: 'S1', type: 'shipping', city: 'Oslo' },
            { code: 'B1', type: 'billing', city: 'Oslo' },
          ],
        }),
      ],
      'r1',
    );
    expect(merged).toEqual({
      type: 'COMPANY',
      name: { value: { companyName: 'Acme' }, provenance: { connector: 'src', runId: 'r1' } },
      items: {
        ...emptyItems(),
        addresses: [
          {
            key: 'code:B1',
            value: { code: 'B1', type: 'billing', city: 'Oslo' },
            provenance: { connector: 'src', runId: 'r1' },
            suppliedBy: ['src'],
          },
          {
            key: 'code:S1',
            value: { code: 'S1', type: 'shipping', city: 'Oslo' },
            provenance: { connector: 'src', runId: 'r1' },
            suppliedBy: ['src'],
          },
        ],
      },
    });
    expect(merged).not.toHaveProperty('relations');
  });

  it('sorts items by key by code unit, independent of locale', () => {
    const merged = mergeCustomer(
      undefined,
      [source({ customerAttributes: [{ key: 'b', value: 1 }, { key: 'a', value: 1 }, { key: 'B', value: 1 }] })],
      'r1',
    );
    expect(merged.items.customerAttributes.map((item) => item.key)).toEqual(['B', 'a', 'b']);
  });

  it('drops undefined properties from values but keeps empty strings', () => {
    const merged = mergeCustomer(
      undefined,
      [source({ name: { companyName: 'Acme', displayName: undefined, firstName: '' } })],
      'r1',
    );
    expect(Object.keys(merged.name!.value).sort()).toEqual(['companyName', 'firstName']);
    expect(merged.name!.value.firstName).toBe('');
  });

  it('does not share objects with its inputs', () => {
    const contribution = source({ name: { companyName: 'Acme' }, customerAttributes: [{ key: 'tags', value: ['a'] }] });
    const merged = mergeCustomer(undefined, [contribution], 'r1');
    contribution.record!.name!.companyName = 'Changed';
    (contribution.record!.customerAttributes![0]!.value as string[]).push('b');
    expect(merged.name!.value.companyName).toBe('Acme');
    expect(merged.items.customerAttributes[0]!.value.value).toEqual(['a']);
  });
});

describe('mergeCustomer: latest-connector aspects', () => {
  it('takes the value of the last step in flow order that supplied it', () => {
    const steps = [source({ name: { companyName: 'Acme' } }), step('crm', ['name'], { name: { companyName: 'Acme AS' } })];
    expect(mergeCustomer(undefined, steps, 'r1').name).toEqual({
      value: { companyName: 'Acme AS' },
      provenance: { connector: 'crm', runId: 'r1' },
    });
    const reversed = [step('crm', ['name'], { type: 'COMPANY', name: { companyName: 'Acme AS' } }), source({ name: { companyName: 'Acme' } })];
    expect(mergeCustomer(undefined, reversed, 'r1').name!.provenance.connector).toBe('src');
  });

  it('ignores a step not configured for the aspect, or whose record lacks it', () => {
    const steps = [
      source({ name: { companyName: 'Acme' } }),
      step('crm', ['addresses'], { name: { companyName: 'From CRM' } }),
      step('pim', ['name'], {}),
      step('erp', ['name']),
    ];
    expect(mergeCustomer(undefined, steps, 'r1').name!.value).toEqual({ companyName: 'Acme' });
  });

  it('keeps the stored value and provenance when no step supplies the aspect', () => {
    const current = mergeCustomer(undefined, [source({ name: { companyName: 'Acme' }, relations: { parentExternalId: 'P1' } }, ['name', 'relations'])], 'r1');
    const merged = mergeCustomer(current, [step('crm', ['addresses'], { addresses: [] })], 'r2');
    expect(merged.name).toEqual(current.name);
    expect(merged.relations).toEqual({ value: { parentExternalId: 'P1' }, provenance: { connector: 'src', runId: 'r1' } });
  });

  it('keeps the provenance of an unchanged value from the same connector', () => {
    const current = mergeCustomer(undefined, [source({ name: { companyName: 'Acme' } })], 'r1');
    const merged = mergeCustomer(current, [source({ name: { companyName: 'Acme', displayName: undefined } })], 'r2');
    expect(merged.name!.provenance).toEqual({ connector: 'src', runId: 'r1' });
  });

  it('records the new run when the value changes', () => {
    const current = mergeCustomer(undefined, [source({ name: { companyName: 'Acme' } })], 'r1');
    const merged = mergeCustomer(current, [source({ name: { companyName: 'Acme Group' } })], 'r2');
    expect(merged.name).toEqual({ value: { companyName: 'Acme Group' }, provenance: { connector: 'src', runId: 'r2' } });
  });

  it('records the new connector when another connector now supplies the same value', () => {
    const current = mergeCustomer(undefined, [source({ name: { companyName: 'Acme' } })], 'r1');
    const merged = mergeCustomer(current, [source({ name: { companyName: 'Acme' } }), step('crm', ['name'], { name: { companyName: 'Acme' } })], 'r2');
    expect(merged.name!.provenance).toEqual({ connector: 'crm', runId: 'r2' });
  });
});

describe('mergeCustomer: multiple aspects', () => {
  it('combines items from all steps by identity, the later step overwriting', () => {
    const merged = mergeCustomer(
      undefined,
      [
        source({ customerAttributes: [{ key: 'vat', value: 'NO1' }, { key: 'group', value: 'retail' }] }),
        step('crm', ['customerAttributes'], { customerAttributes: [{ key: 'group', value: 'wholesale' }, { key: 'discount', value: 5 }] }),
      ],
      'r1',
    );
    expect(merged.items.customerAttributes).toEqual([
      { key: 'discount', value: { key: 'discount', value: 5 }, provenance: { connector: 'crm', runId: 'r1' }, suppliedBy: ['crm'] },
      { key: 'group', value: { key: 'group', value: 'wholesale' }, provenance: { connector: 'crm', runId: 'r1' }, suppliedBy: ['crm', 'src'] },
      { key: 'vat', value: { key: 'vat', value: 'NO1' }, provenance: { connector: 'src', runId: 'r1' }, suppliedBy: ['src'] },
    ]);
  });

  it('matches items by normalized identity across connectors', () => {
    const merged = mergeCustomer(
      undefined,
      [
        source({ contactPersons: [{ email: 'Ann@X.io', firstName: 'Ann' }] }, ['contactPersons']),
        step('crm', ['contactPersons'], { contactPersons: [{ email: 'ann@x.io ', firstName: 'Ann', lastName: 'Lee' }] }),
      ],
      'r1',
    );
    expect(merged.items.contactPersons).toHaveLength(1);
    expect(merged.items.contactPersons[0]).toMatchObject({
      key: 'email:ann@x.io',
      value: { lastName: 'Lee' },
      suppliedBy: ['crm', 'src'],
    });
  });

  it('takes the last of duplicate items within one step', () => {
    const merged = mergeCustomer(undefined, [source({ customerAttributes: [{ key: 'vat', value: 'A' }, { key: 'vat', value: 'B' }] })], 'r1');
    expect(merged.items.customerAttributes.map((item) => item.value.value)).toEqual(['B']);
  });

  it('removes an item its only supplier no longer supplies', () => {
    const current = mergeCustomer(undefined, [source({ customerAttributes: [{ key: 'vat', value: 'NO1' }, { key: 'group', value: 'x' }] })], 'r1');
    const merged = mergeCustomer(current, [source({ customerAttributes: [{ key: 'vat', value: 'NO1' }] })], 'r2');
    expect(merged.items.customerAttributes.map((item) => item.key)).toEqual(['vat']);
  });

  it('removes all of a connector\'s items when it supplies an empty list', () => {
    const current = mergeCustomer(undefined, [source({ customerAttributes: [{ key: 'vat', value: 'NO1' }] })], 'r1');
    expect(mergeCustomer(current, [source({ customerAttributes: [] })], 'r2').items.customerAttributes).toEqual([]);
  });

  it('keeps an item another connector still supplies, even one that did not report this run', () => {
    const current = mergeCustomer(
      undefined,
      [
        source({ customerAttributes: [{ key: 'group', value: 'retail' }] }),
        step('crm', ['customerAttributes'], { customerAttributes: [{ key: 'group', value: 'wholesale' }] }),
      ],
      'r1',
    );
    const merged = mergeCustomer(
      current,
      [source({ customerAttributes: [] }), step('crm', ['customerAttributes'])],
      'r2',
    );
    expect(merged.items.customerAttributes).toEqual([
      { key: 'group', value: { key: 'group', value: 'wholesale' }, provenance: { connector: 'crm', runId: 'r1' }, suppliedBy: ['crm'] },
    ]);
  });

  it('keeps the value but switches provenance to a remaining supplier when the providing connector drops the item', () => {
    const current = mergeCustomer(
      undefined,
      [
        source({ customerAttributes: [{ key: 'group', value: 'retail' }] }),
        step('crm', ['customerAttributes'], { customerAttributes: [{ key: 'group', value: 'wholesale' }] }),
      ],
      'r1',
    );
    const merged = mergeCustomer(current, [source({}), step('crm', ['customerAttributes'], { customerAttributes: [] })], 'r2');
    expect(merged.items.customerAttributes).toEqual([
      { key: 'group', value: { key: 'group', value: 'wholesale' }, provenance: { connector: 'src', runId: 'r1' }, suppliedBy: ['src'] },
    ]);
  });

  it('removes nothing for a step that did not supply the aspect', () => {
    const current = mergeCustomer(undefined, [source({ customerAttributes: [{ key: 'vat', value: 'NO1' }] })], 'r1');
    for (const steps of [
      [step('src', ['customerAttributes'])],
      [step('src', ['name'], { name: { companyName: 'Acme' }, customerAttributes: [] })],
      [step('src', ['customerAttributes'], { name: { companyName: 'Acme' } })],
      [step('crm', ['customerAttributes'], { customerAttributes: [] })],
    ]) {
      expect(mergeCustomer(current, steps, 'r2').items.customerAttributes).toEqual(current.items.customerAttributes);
    }
  });

  it('keeps the provenance of an unchanged item and records the run of a changed one', () => {
    const current = mergeCustomer(undefined, [source({ customerAttributes: [{ key: 'vat', value: 'NO1' }, { key: 'group', value: 'x' }] })], 'r1');
    const merged = mergeCustomer(current, [source({ customerAttributes: [{ key: 'vat', value: 'NO1' }, { key: 'group', value: 'y' }] })], 'r2');
    expect(merged.items.customerAttributes.map((item) => [item.key, item.provenance.runId])).toEqual([
      ['group', 'r2'],
      ['vat', 'r1'],
    ]);
  });

  it('keeps a stored item without suppliers that no connector dropped', () => {
    const current: MergedCustomer = {
      type: 'COMPANY',
      items: {
        ...emptyItems(),
        customerAttributes: [{ key: 'note', value: { key: 'note', value: 'manual' }, provenance: { connector: 'ui', runId: 'r0' }, suppliedBy: [] }],
      },
    };
    const merged = mergeCustomer(current, [source({ customerAttributes: [] })], 'r1');
    expect(merged.items.customerAttributes).toEqual(current.items.customerAttributes);
  });
});

describe('mergeCustomer: unchanged input', () => {
  it('merges to an identical customer with the same content hash in a later run', () => {
    const steps = [
      source({ name: { companyName: 'Acme' }, addresses: [{ code: 'B1', type: 'billing' }], customerAttributes: [{ key: 'vat', value: 'NO1' }] }),
      step('crm', ['name', 'customerAttributes', 'relations'], {
        name: { companyName: 'Acme AS' },
        customerAttributes: [{ key: 'vat', value: 'NO2' }, { key: 'group', value: 'b2b' }],
        relations: { parentExternalId: 'P1', relationType: 'Parent' },
      }),
    ];
    const first = mergeCustomer(undefined, steps, 'r1');
    const second = mergeCustomer(first, steps, 'r2');
    expect(second).toEqual(first);
    expect(contentHash(second)).toBe(contentHash(first));
  });
});

describe('mergeCustomer: type', () => {
  it('takes the type from the stored customer, else the first record that has one', () => {
    expect(mergeCustomer(undefined, [step('crm', ['name'], {}), step('src', [], { type: 'PERSON' })], 'r1').type).toBe('PERSON');
    const current = mergeCustomer(undefined, [source({})], 'r1');
    expect(mergeCustomer(current, [step('crm', ['name'], { name: { companyName: 'Acme' } })], 'r2').type).toBe('COMPANY');
  });

  it('rejects a record that reports a different type', () => {
    const current = mergeCustomer(undefined, [source({})], 'r1');
    const merge = () => mergeCustomer(current, [step('crm', ['name'], { type: 'PERSON' })], 'r2');
    expect(merge).toThrow(MergeConflictError);
    expect(merge).toThrow('customer C1001 is COMPANY but connector crm reports PERSON; one external id can never be both');
    try {
      merge();
    } catch (error) {
      expect(error).toMatchObject({ name: 'MergeConflictError', externalId: 'C1001', field: 'type', connector: 'crm' });
    }
  });

  it('rejects conflicting types among the contributions of a new customer', () => {
    expect(() => mergeCustomer(undefined, [source({}), step('crm', [], { type: 'PERSON' })], 'r1')).toThrow(
      'customer C1001 is COMPANY but connector crm reports PERSON',
    );
  });

  it('rejects a new customer whose type nobody reports', () => {
    expect(() => mergeCustomer(undefined, [step('crm', ['name'], { name: { companyName: 'Acme' } })], 'r1')).toThrow(MergeConflictError);
    expect(() => mergeCustomer(undefined, [], 'r1')).toThrow(/has no type/);
  });
});
