import { describe, expect, it } from 'vitest';
import { loyaltyIdKeys, resolveLoyaltyId } from '../../../src/connectors/oms/loyalty-id.js';
import { omsConnectorSchema } from '../../../src/connectors/oms/oms-config.js';
import { businessCustomerToRecord, privateCustomerToRecord } from '../../../src/connectors/oms/oms-inbound.js';
import { toOmsBusinessCustomer, toOmsPrivateCustomer } from '../../../src/connectors/oms/oms-outbound.js';
import type { OutboundCustomer } from '../../../src/domain/outbound-customer.js';

const config = omsConnectorSchema.parse({ type: 'oms', baseUrl: 'http://127.0.0.1:1/api', marketGroupId: 'MG-NO', tenantCountry: 'NO' });

describe('OMS → platform (reference 002, customer from order)', () => {
  it('maps a private customer to a PERSON field by field', () => {
    const record = privateCustomerToRecord(
      {
        customerId: 'P-100',
        firstName: 'Kari',
        lastName: 'Nordmann',
        email: 'kari@example.no',
        phone: '+4790000001',
        address: { line1: 'Storgata 1', city: 'Oslo', postalCode: '0155', countryCode: 'no' },
        externalIds: [{ providerName: 'Voyado', id: 'V-1' }],
      },
      config,
    );
    expect(record).toEqual({
      externalId: 'P-100',
      type: 'PERSON',
      name: { firstName: 'Kari', lastName: 'Nordmann' },
      customerContactDetails: [
        { kind: 'email', value: 'kari@example.no' },
        { kind: 'mobile', value: '+4790000001' },
      ],
      addresses: [{ code: 'main', type: 'billing', line1: 'Storgata 1', city: 'Oslo', zip: '0155', country: 'NO' }],
      customerAttributes: [{ key: 'loyaltyId', value: 'V-1' }],
    });
  });

  it('gives a private customer with empty names "-" for each', () => {
    const record = privateCustomerToRecord({ customerId: 'P-1', firstName: '  ', lastName: null }, config);
    expect(record.name).toEqual({ firstName: '-', lastName: '-' });
    expect(record.addresses).toEqual([]);
    expect(record.customerContactDetails).toEqual([]);
  });

  it('maps a business customer to a COMPANY, the address email and phone before the customer ones', () => {
    const record = businessCustomerToRecord(
      {
        customerId: 'B-7',
        name: 'Fjord AS',
        email: 'post@fjord.no',
        phone: '+4722000000',
        taxId: 'NO999888777MVA',
        address: { line1: 'Kaia 2', city: 'Bergen', postalCode: '5003', countryCode: 'NO', email: 'faktura@fjord.no', phone: '+4755000000' },
        addresses: [{ id: 'WH1', name: 'Lager', line1: 'Havnen 9', city: 'Bergen', postalCode: '5004', countryCode: 'NO' }],
        contacts: [{ id: 'C1', firstName: 'Ola', lastName: 'Hansen', email: 'ola@fjord.no', phone: '+4791111111', privateCustomerId: 'P-9' }],
        customerRelations: [{ customerId: 'B-1', relationType: 'Parent' }],
        externalIds: [{ providerName: 'VoyadoContactId', id: 'VC-7' }],
      },
      config,
    );
    expect(record).toEqual({
      externalId: 'B-7',
      type: 'COMPANY',
      name: { companyName: 'Fjord AS' },
      customerContactDetails: [
        { kind: 'email', value: 'faktura@fjord.no' },
        { kind: 'mobile', value: '+4755000000' },
      ],
      addresses: [
        { code: 'main', type: 'billing', line1: 'Kaia 2', city: 'Bergen', zip: '5003', country: 'NO' },
        { code: 'WH1', type: 'other', name: 'Lager', line1: 'Havnen 9', city: 'Bergen', zip: '5004', country: 'NO' },
      ],
      contactPersons: [{ id: 'C1', firstName: 'Ola', lastName: 'Hansen', email: 'ola@fjord.no', phone: '+4791111111' }],
      customerAttributes: [
        { key: 'vatNumber', value: 'NO999888777MVA' },
        { key: 'loyaltyId', value: 'VC-7' },
      ],
      relations: { parentExternalId: 'B-1', relationType: 'Parent' },
    });
  });

  it('takes the customer email and phone when the address has none', () => {
    const record = businessCustomerToRecord({ customerId: 'B-8', name: 'X', email: 'x@x.no', phone: '1', address: { line1: 'a' } }, config);
    expect(record.customerContactDetails).toEqual([
      { kind: 'email', value: 'x@x.no' },
      { kind: 'mobile', value: '1' },
    ]);
    expect(record.relations).toEqual({});
  });
});

describe('the loyalty id', () => {
  const ids = (...keys: string[]) => keys.map((k) => ({ providerName: k, id: `id-of-${k}` }));

  it('is looked for under the configured key, then Voyado, VoyadoContactId, {marketGroupId}_VoyadoContactId', () => {
    expect(loyaltyIdKeys('Club', 'MG-NO')).toEqual(['Club', 'Voyado', 'VoyadoContactId', 'MG-NO_VoyadoContactId']);
    const keys = loyaltyIdKeys(undefined, 'MG-NO');
    expect(resolveLoyaltyId(ids('MG-NO_VoyadoContactId', 'VoyadoContactId', 'Voyado'), keys)).toBe('id-of-Voyado');
    expect(resolveLoyaltyId(ids('MG-NO_VoyadoContactId', 'VoyadoContactId'), keys)).toBe('id-of-VoyadoContactId');
    expect(resolveLoyaltyId(ids('MG-NO_VoyadoContactId', 'Other'), keys)).toBe('id-of-MG-NO_VoyadoContactId');
    expect(resolveLoyaltyId(ids('MG-SE_VoyadoContactId'), keys)).toBeUndefined();
    expect(resolveLoyaltyId(ids('Club', 'Voyado'), loyaltyIdKeys('Club', undefined))).toBe('id-of-Club');
  });

  it('uses the customer own market group before the configured one, and skips blank ids', () => {
    const record = privateCustomerToRecord(
      {
        customerId: 'P-2',
        marketGroupId: 'MG-SE',
        externalIds: [
          { providerName: 'Voyado', id: ' ' },
          { providerName: 'MG-NO_VoyadoContactId', id: 'no' },
          { providerName: 'MG-SE_VoyadoContactId', id: 'se' },
        ],
      },
      config,
    );
    expect(record.customerAttributes).toEqual([{ key: 'loyaltyId', value: 'se' }]);
  });
});

describe('platform → OMS (reference 002, customer create/update)', () => {
  const stamps = { createdAt: '2026-11-01T10:00:00.000Z', updatedAt: '2026-11-02T11:00:00.000Z', updatedBy: 'sync/oms/run-1' };

  it('maps a PERSON to a private customer, with the tenant country when the address has none', () => {
    const person: OutboundCustomer = {
      id: '0b6f6f5e-0000-4000-8000-000000000001',
      type: 'PERSON',
      name: { firstName: 'Kari', lastName: 'Nordmann' },
      customerContactDetails: [
        { kind: 'email', value: 'kari@example.no' },
        { kind: 'mobile', value: '+4790000001' },
      ],
      addresses: [{ code: 'main', type: 'billing', line1: 'Storgata 1', city: 'Oslo', zip: '0155' }],
      customerAttributes: [{ key: 'loyaltyId', value: 'V-1' }],
      ...stamps,
    };
    expect(toOmsPrivateCustomer(person, config)).toEqual({
      customerId: person.id,
      firstName: 'Kari',
      lastName: 'Nordmann',
      fullName: 'Kari Nordmann',
      email: 'kari@example.no',
      phone: '+4790000001',
      address: { line1: 'Storgata 1', city: 'Oslo', postalCode: '0155', countryCode: 'NO' },
      customerNumber: 'V-1',
      marketGroupId: 'MG-NO',
      created: stamps.createdAt,
      modified: stamps.updatedAt,
      modifiedBy: stamps.updatedBy,
    });
    expect(toOmsPrivateCustomer({ ...person, externalId: 'P-100', name: { ...person.name, displayName: 'K. N.' } }, config)).toMatchObject({
      customerId: 'P-100',
      fullName: 'K. N.',
    });
  });

  it('maps a COMPANY to a business customer with contacts, other addresses and relations', () => {
    const company: OutboundCustomer = {
      id: '0b6f6f5e-0000-4000-8000-000000000002',
      type: 'COMPANY',
      externalId: 'B-7',
      name: { companyName: 'Fjord AS' },
      customerContactDetails: [{ kind: 'email', value: 'post@fjord.no' }, { kind: 'phone', value: '+4722000000' }],
      customerAttributes: [{ key: 'vatNumber', value: 'NO999888777MVA' }],
      addresses: [
        { code: 'WH1', type: 'other', line1: 'Havnen 9', city: 'Bergen', zip: '5004', country: 'NO' },
        { code: 'HQ', type: 'billing', line1: 'Kaia 2', city: 'Bergen', zip: '5003', country: 'SE' },
      ],
      contactPersons: [{ id: 'C1', firstName: 'Ola', lastName: 'Hansen', email: 'ola@fjord.no', phone: '+4791111111' }],
      parentExternalId: 'B-1',
      childExternalIds: ['B-9'],
      ...stamps,
    };
    expect(toOmsBusinessCustomer(company, config)).toEqual({
      customerId: 'B-7',
      name: 'Fjord AS',
      email: 'post@fjord.no',
      phone: '+4722000000',
      taxId: 'NO999888777MVA',
      address: { line1: 'Kaia 2', city: 'Bergen', postalCode: '5003', countryCode: 'SE', name: 'Fjord AS' },
      addresses: [{ id: 'WH1', name: null, line1: 'Havnen 9', city: 'Bergen', postalCode: '5004', countryCode: 'NO' }],
      customerNumber: null,
      marketGroupId: 'MG-NO',
      customerRelations: [
        { customerId: 'B-1', relationType: 'Parent' },
        { customerId: 'B-9', relationType: 'SubDepartment' },
      ],
      isParentCompany: true,
      contacts: [
        { id: 'C1', firstName: 'Ola', lastName: 'Hansen', email: 'ola@fjord.no', phone: '+4791111111', privateCustomerId: company.id },
      ],
      created: stamps.createdAt,
      modified: stamps.updatedAt,
      modifiedBy: stamps.updatedBy,
    });
  });

  it('round-trips: what is pushed reads back as the same record', () => {
    const inbound = businessCustomerToRecord(
      {
        customerId: 'B-3',
        name: 'Vik AS',
        email: 'a@vik.no',
        phone: '5',
        taxId: 'NO1',
        address: { line1: 'L', city: 'C', postalCode: 'Z', countryCode: 'NO' },
        contacts: [{ id: 'C', firstName: 'F', lastName: 'L', email: 'e@vik.no', phone: '6' }],
      },
      config,
    );
    const pushed = toOmsBusinessCustomer({ ...inbound, id: 'u', type: 'COMPANY', ...stamps }, config);
    expect(businessCustomerToRecord(pushed, config)).toEqual(inbound);
  });
});
