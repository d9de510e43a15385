import type { Address } from '../../domain/customer-record.js';
import type { OutboundCustomer } from '../../domain/outbound-customer.js';
import type { OmsConnectorConfig } from './oms-config.js';
import { MAIN_ADDRESS_CODE } from './oms-inbound.js';

type Settings = Pick<OmsConnectorConfig, 'marketGroupId' | 'tenantCountry'>;

const detail = (customer: OutboundCustomer, ...kinds: string[]): string | undefined => {
  for (const kind of kinds) {
    const found = customer.customerContactDetails?.find((d) => d.kind === kind);
    if (found) return found.value;
  }
  return undefined;
};
const attribute = (customer: OutboundCustomer, key: string): string | undefined => {
  const value = customer.customerAttributes?.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : Array.isArray(value) ? value.join(',') : String(value);
};

/** The address pushed as the customer's address: its main one, else its first billing one, else its first. */
function mainAddress(addresses: readonly Address[] | undefined): Address | undefined {
  if (!addresses || addresses.length === 0) return undefined;
  return addresses.find((a) => a.code === MAIN_ADDRESS_CODE) ?? addresses.find((a) => a.type === 'billing') ?? addresses[0];
}

function omsAddress(a: Address | undefined, settings: Settings) {
  return {
    line1: a?.line1 ?? null,
    city: a?.city ?? null,
    postalCode: a?.zip ?? null,
    countryCode: a?.country ?? settings.tenantCountry ?? null,
  };
}

const stamps = (customer: OutboundCustomer) => ({
  created: customer.createdAt,
  modified: customer.updatedAt,
  modifiedBy: customer.updatedBy,
});

/** A PERSON as the OMS's private customer (reference 002, Flow → Omnium). */
export function toOmsPrivateCustomer(customer: OutboundCustomer, settings: Settings) {
  const name = customer.name ?? {};
  const fullName = name.displayName ?? [name.firstName, name.lastName].filter((n) => n && n !== '-').join(' ');
  return {
    customerId: customer.externalId ?? customer.id,
    firstName: name.firstName ?? null,
    lastName: name.lastName ?? null,
    fullName: fullName || null,
    email: detail(customer, 'email') ?? null,
    phone: detail(customer, 'mobile', 'phone') ?? null,
    address: omsAddress(mainAddress(customer.addresses), settings),
    customerNumber: attribute(customer, 'loyaltyId') ?? null,
    marketGroupId: settings.marketGroupId ?? null,
    ...stamps(customer),
  };
}

/** A COMPANY as the OMS's business customer, with its contacts, other addresses and relations. */
export function toOmsBusinessCustomer(customer: OutboundCustomer, settings: Settings) {
  const companyName = customer.name?.companyName ?? null;
  const main = mainAddress(customer.addresses);
  return {
    customerId: customer.externalId ?? customer.id,
    name: companyName,
    email: detail(customer, 'email') ?? null,
    phone: detail(customer, 'mobile', 'phone') ?? null,
    taxId: attribute(customer, 'vatNumber') ?? null,
    address: { ...omsAddress(main, settings), name: companyName },
    addresses: (customer.addresses ?? [])
      .filter((a) => a !== main)
      .map((a) => ({ id: a.code ?? null, name: a.name ?? null, ...omsAddress(a, settings) })),
    customerNumber: attribute(customer, 'loyaltyId') ?? null,
    marketGroupId: settings.marketGroupId ?? null,
    customerRelations: [
      ...(customer.parentExternalId ? [{ customerId: customer.parentExternalId, relationType: 'Parent' as const }] : []),
      ...(customer.childExternalIds ?? []).map((id) => ({ customerId: id, relationType: 'SubDepartment' as const })),
    ],
    isParentCompany: customer.isParentCompany ?? (customer.childExternalIds ?? []).length > 0,
    contacts: (customer.contactPersons ?? []).map((c) => ({
      id: c.id ?? null,
      firstName: c.firstName ?? null,
      lastName: c.lastName ?? null,
      email: c.email ?? null,
      phone: c.phone ?? null,
      privateCustomerId: customer.id,
    })),
    ...stamps(customer),
  };
}
