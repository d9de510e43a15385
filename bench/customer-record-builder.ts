import type {
  Address,
  AddressAttribute,
  AddressContactDetail,
  Attribute,
  ContactDetail,
  CustomerRecord,
} from '../src/domain/customer-record.js';
import type { BenchCustomer } from './customer-generator.js';

/**
 * The record the flat-file connector reads for a generated customer, built
 * straight from the generator's values (no file, no parsing): the same mapping
 * as the standard template's row mapper, combined over the customer's rows.
 */
export function benchCustomerRecord(c: BenchCustomer): CustomerRecord {
  const addresses: Address[] = [];
  const addressContactDetails: AddressContactDetail[] = [];
  const addressAttributes: AddressAttribute[] = [];
  for (const a of c.addresses) {
    const address: Address = { code: a.code, type: a.type, name: a.name || c.profileName };
    if (a.line1) address.line1 = a.line1;
    if (a.line2) address.line2 = a.line2;
    if (a.city) address.city = a.city;
    if (a.state) address.state = a.state;
    if (a.zip) address.zip = a.zip;
    address.country = a.country;
    addresses.push(address);
    if (a.type === 'shipping') {
      const addressKey = `code:${a.code}`;
      if (a.email) addressContactDetails.push({ addressKey, kind: 'email', value: a.email });
      if (a.phone) addressContactDetails.push({ addressKey, kind: 'phone', value: a.phone });
      if (a.createDoors) addressAttributes.push({ addressKey, key: 'createDoors', value: a.createDoors === 'Y' });
    }
  }

  const customerAttributes: Attribute[] = [];
  if (c.alias) customerAttributes.push({ key: 'customerAlias', value: c.alias });
  if (c.alternateName) customerAttributes.push({ key: 'alternateName', value: c.alternateName });
  if (c.companyNumber) customerAttributes.push({ key: 'companyNumber', value: c.companyNumber.code });
  customerAttributes.push({ key: 'customerGroup', value: c.customerGroup.code });
  if (c.discount) customerAttributes.push({ key: 'discount', value: Number(c.discount) });
  if (c.discountLineItemLevel) customerAttributes.push({ key: 'discountLineItemLevel', value: c.discountLineItemLevel === 'Y' });
  customerAttributes.push({ key: 'salesRep', value: c.salesRep });
  customerAttributes.push({ key: 'warehouses', value: [c.warehouse.code] });
  customerAttributes.push({ key: 'paymentTerms', value: [c.paymentTerms.code] });
  customerAttributes.push({ key: 'shippingTerms', value: [c.shippingTerms] });
  customerAttributes.push({ key: 'priceTypes', value: c.priceTypes.map((p) => `${p.currency}/${p.name}`) });

  const customerContactDetails: ContactDetail[] = c.website ? [{ kind: 'website', value: c.website }] : [];

  return {
    externalId: c.code,
    type: 'COMPANY',
    name: { companyName: c.profileName },
    addresses,
    contactPersons: c.buyers.map((b) => ({ fullName: b.name, email: b.email })),
    customerAttributes,
    customerContactDetails,
    addressContactDetails,
    addressAttributes,
  };
}
