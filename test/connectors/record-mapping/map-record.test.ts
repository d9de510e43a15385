import { describe, expect, it } from 'vitest';
import { recordMapper } from '../../../src/connectors/record-mapping/map-record.js';
import { recordMappingSchema } from '../../../src/connectors/record-mapping/record-mapping-schema.js';
import { parseRecordPath, valueAtPath } from '../../../src/connectors/record-mapping/record-path.js';

const mapperOf = (mapping: unknown) => recordMapper(recordMappingSchema.parse(mapping));

describe('mapping a source record to a customer record', () => {
  it('reads a CRM contact: nested properties, transforms, contact details and attributes; absent and empty values are left out', () => {
    const map = mapperOf({
      externalId: '/id',
      type: 'PERSON',
      name: { firstName: { path: '/properties/firstname', transform: ['trim'] }, lastName: 'properties.lastname', companyName: '/properties/company' },
      contactDetails: [
        { kind: 'email', value: { path: '/properties/email', transform: ['trim', 'lower'] } },
        { kind: 'phone', value: { path: '/properties/phone', transform: ['digits'] } },
        { kind: 'website', value: '/properties/website' },
      ],
      attributes: { lifecycle: '/properties/lifecyclestage', company: '/properties/company', score: '/properties/score' },
    });
    const contact = {
      id: '101',
      properties: { firstname: ' Ann ', lastname: 'Lee', email: ' ANN@EXAMPLE.COM', phone: '+47 900 00 000', lifecyclestage: 'customer', company: '', website: null, score: 7 },
    };
    expect(map(contact)).toEqual({
      ok: true,
      record: {
        externalId: '101',
        type: 'PERSON',
        name: { firstName: 'Ann', lastName: 'Lee' },
        customerContactDetails: [
          { kind: 'email', value: 'ann@example.com' },
          { kind: 'phone', value: '+4790000000' },
        ],
        customerAttributes: [
          { key: 'lifecycle', value: 'customer' },
          { key: 'score', value: 7 },
        ],
      },
    });
  });

  it('makes one item per element of an array, with paths relative to the element; a record without the array has none', () => {
    const map = mapperOf({
      externalId: { path: '/id', transform: ['string'] },
      type: 'PERSON',
      addresses: [{ from: '/addresses', code: { path: 'id', transform: ['string'] }, type: { const: 'shipping' }, line1: 'address1', city: 'city', zip: 'zip', country: 'country_code' }],
    });
    const customer = { id: 7001, addresses: [{ id: 1, address1: 'Gata 1', city: 'Lund', zip: '22100', country_code: 'SE' }, { address1: '', city: null }] };
    expect(map(customer)).toEqual({
      ok: true,
      record: { externalId: '7001', type: 'PERSON', addresses: [{ code: '1', type: 'shipping', line1: 'Gata 1', city: 'Lund', zip: '22100', country: 'SE' }] },
    });
    expect(map({ id: 7002 })).toEqual({ ok: true, record: { externalId: '7002', type: 'PERSON', addresses: [] } });
  });

  it('decides the type from a table of the source values, and joins parts of a name', () => {
    const map = mapperOf({
      externalId: 'Id',
      type: { path: 'IsPersonAccount', values: { true: 'PERSON', false: 'COMPANY' } },
      name: { displayName: { join: ['FirstName', 'LastName'] }, companyName: 'Name' },
      relations: { parentExternalId: 'ParentId' },
    });
    expect(map({ Id: '001', Name: 'Acme AS', IsPersonAccount: false, ParentId: '000' })).toEqual({
      ok: true,
      record: { externalId: '001', type: 'COMPANY', name: { companyName: 'Acme AS' }, relations: { parentExternalId: '000' } },
    });
    expect(map({ Id: '002', FirstName: 'Kari', LastName: 'Nordmann', IsPersonAccount: true })).toEqual({
      ok: true,
      record: { externalId: '002', type: 'PERSON', name: { displayName: 'Kari Nordmann' }, relations: {} },
    });
  });

  it('rejects a record it cannot map, naming the field and the external id', () => {
    const map = mapperOf({ externalId: '/id', type: 'PERSON', name: { lastName: '/last' }, addresses: [{ type: { path: '/kind' }, line1: '/street' }] });
    expect(map({ last: 'Lee' })).toMatchObject({ ok: false, field: 'externalId' });
    expect(map(null)).toMatchObject({ ok: false, field: 'externalId' });
    expect(map({ id: 'X1', last: 'L'.repeat(10_000) })).toMatchObject({ ok: false, externalId: 'X1', field: 'name.lastName' });
    const badType = map({ id: 'X2', kind: 'home', street: 'Vei 1' });
    expect(badType).toMatchObject({ ok: false, externalId: 'X2', field: 'addresses.0.type' });
  });

  it('refuses a mapping with an unknown transform or field', () => {
    expect(recordMappingSchema.safeParse({ externalId: { path: '/id', transform: ['reverse'] } }).success).toBe(false);
    expect(recordMappingSchema.safeParse({ externalId: '/id', nickname: '/nick' }).success).toBe(false);
  });
});

describe('record paths', () => {
  it('reads JSON pointers (with escapes) and dotted paths, array elements by index', () => {
    const record = { 'a/b': { '~k': 1 }, list: [{ city: 'Oslo' }], own: { constructor: 2 } };
    expect(valueAtPath(record, parseRecordPath('/a~1b/~0k'))).toBe(1);
    expect(valueAtPath(record, parseRecordPath('list.0.city'))).toBe('Oslo');
    expect(valueAtPath(record, parseRecordPath('/list/1/city'))).toBeUndefined();
    expect(valueAtPath(record, parseRecordPath('/list/x'))).toBeUndefined();
    expect(valueAtPath({}, parseRecordPath('toString'))).toBeUndefined();
    expect(valueAtPath(record, parseRecordPath(''))).toBe(record);
  });
});

describe("a source's change time", () => {
  it("reads the source's change time as ISO 8601 (epoch milliseconds and offsets too), and refuses one it cannot read", () => {
    const map = mapperOf({ externalId: '/id', changedAt: '/updatedAt' });
    expect(map({ id: 'A', updatedAt: 1_796_000_000_000 })).toEqual({ ok: true, record: { externalId: 'A', changedAt: '2026-11-30T00:53:20.000Z' } });
    expect(map({ id: 'B', updatedAt: '2026-12-01T00:00:00+01:00' })).toEqual({ ok: true, record: { externalId: 'B', changedAt: '2026-11-30T23:00:00.000Z' } });
    expect(map({ id: 'C' })).toEqual({ ok: true, record: { externalId: 'C' } });
    expect(map({ id: 'D', updatedAt: 'yesterday' })).toMatchObject({ ok: false, externalId: 'D', field: 'changedAt' });
  });
});
