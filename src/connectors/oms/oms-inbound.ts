import type { Address, Attribute, ContactDetail, CustomerRecord, Relation } from '../../domain/customer-record.js';
import { loyaltyIdKeys, resolveLoyaltyId } from './loyalty-id.js';
import type { OmsConnectorConfig } from './oms-config.js';
import type { OmsAddress, OmsBusinessCustomer, OmsPrivateCustomer } from './oms-customer-schema.js';

/** The customer's main address carries this code; a business customer's other addresses keep their own ids. */
export const MAIN_ADDRESS_CODE = 'main';

type Settings = Pick<OmsConnectorConfig, 'loyaltyIdKey' | 'marketGroupId'>;

const present = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};
/** Names default to `-` when the OMS has none. */
const nameOrDash = (value: string | null | undefined): string => present(value) ?? '-';

function address(from: OmsAddress | null | undefined, code: string): Address | undefined {
  if (!from) return undefined;
  const fields = {
    // The main address's name is the company's name (reference 002): not an address field of its own.
    name: code === MAIN_ADDRESS_CODE ? undefined : present(from.name),
    line1: present(from.line1),
    line2: present(from.line2),
    city: present(from.city),
    zip: present(from.postalCode),
    country: present(from.countryCode)?.toUpperCase(),
  };
  if (Object.values(fields).every((v) => v === undefined)) return undefined;
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return { code, type: code === MAIN_ADDRESS_CODE ? 'billing' : 'other', ...defined };
}

function contactDetails(email: string | undefined, mobile: string | undefined): ContactDetail[] {
  return [
    ...(email ? [{ kind: 'email', value: email }] : []),
    ...(mobile ? [{ kind: 'mobile', value: mobile }] : []),
  ];
}

function loyaltyAttribute(customer: OmsPrivateCustomer | OmsBusinessCustomer, settings: Settings): Attribute[] {
  const keys = loyaltyIdKeys(settings.loyaltyIdKey, present(customer.marketGroupId) ?? settings.marketGroupId);
  const loyaltyId = resolveLoyaltyId(customer.externalIds, keys);
  return loyaltyId ? [{ key: 'loyaltyId', value: loyaltyId }] : [];
}

/** A private customer as a PERSON record (reference 002, Omnium → Flow). */
export function privateCustomerToRecord(customer: OmsPrivateCustomer, settings: Settings): CustomerRecord {
  const main = address(customer.address, MAIN_ADDRESS_CODE);
  return {
    externalId: customer.customerId,
    type: 'PERSON',
    name: { firstName: nameOrDash(customer.firstName), lastName: nameOrDash(customer.lastName) },
    customerContactDetails: contactDetails(present(customer.email), present(customer.phone)),
    addresses: main ? [main] : [],
    customerAttributes: loyaltyAttribute(customer, settings),
  };
}

/**
 * A business customer's relations, both ways: a `Parent` relation names its parent company,
 * `SubDepartment` relations the companies it is parent of (an OMS may list relations on the
 * parent only, as custsync pushes them). What cannot be placed — a relation to itself, a second
 * parent, a company named both parent and sub-department — is said in `warnings`, never dropped silently.
 */
export function businessCustomerRelations(customer: OmsBusinessCustomer): { relations: Relation; warnings: string[] } {
  const warnings: string[] = [];
  const self = customer.customerId;
  const named = customer.customerRelations ?? [];
  if (named.some((r) => r.customerId === self)) warnings.push(`a ${named.find((r) => r.customerId === self)!.relationType} relation names the customer itself; ignored`);
  const parents = [...new Set(named.filter((r) => r.relationType === 'Parent' && r.customerId !== self).map((r) => r.customerId))];
  if (parents.length > 1) warnings.push(`${parents.length} parent companies are named (${parents.join(', ')}); only ${parents[0]} is used`);
  const parent = parents[0];
  const subDepartments = [...new Set(named.filter((r) => r.relationType === 'SubDepartment' && r.customerId !== self).map((r) => r.customerId))];
  if (parent !== undefined && subDepartments.includes(parent)) {
    warnings.push(`${parent} is named both parent company and sub-department; it is used as the parent only`);
  }
  const children = subDepartments.filter((id) => id !== parent).sort();
  return {
    relations: {
      ...(parent !== undefined ? { parentExternalId: parent, relationType: 'Parent' as const } : {}),
      ...(children.length > 0 ? { subDepartmentExternalIds: children } : {}),
    },
    warnings,
  };
}

/**
 * A business customer as a COMPANY record: the address's email and phone take priority
 * over the customer's; contacts become contact persons; its relations name its parent
 * company and its sub-departments (see {@link businessCustomerRelations}).
 */
export function businessCustomerToRecord(customer: OmsBusinessCustomer, settings: Settings): CustomerRecord {
  const main = address(customer.address, MAIN_ADDRESS_CODE);
  const others = (customer.addresses ?? [])
    .map((a, i) => address(a, present(a.id) ?? `address-${i + 1}`))
    .filter((a): a is Address => a !== undefined);
  const vatNumber = present(customer.taxId);
  return {
    externalId: customer.customerId,
    type: 'COMPANY',
    name: { companyName: nameOrDash(customer.name) },
    customerContactDetails: contactDetails(
      present(customer.address?.email) ?? present(customer.email),
      present(customer.address?.phone) ?? present(customer.phone),
    ),
    addresses: main ? [main, ...others] : others,
    contactPersons: (customer.contacts ?? []).map((c) => {
      const person = {
        id: present(c.id),
        firstName: present(c.firstName),
        lastName: present(c.lastName),
        email: present(c.email),
        phone: present(c.phone),
      };
      return Object.fromEntries(Object.entries(person).filter(([, v]) => v !== undefined));
    }),
    customerAttributes: [...(vatNumber ? [{ key: 'vatNumber', value: vatNumber }] : []), ...loyaltyAttribute(customer, settings)],
    relations: businessCustomerRelations(customer).relations,
  };
}
