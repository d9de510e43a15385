import type { Attribute, ContactDetail, CustomerRecord, RelationType } from '../../domain/customer-record.js';
import type { CustomerCsvColumnName } from './customer-csv-columns.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COUNTRY = /^[A-Za-z]{2}$/;

/** A row as a customer record, or every problem it has (`field: reason`). */
export type CsvRowResult = { ok: true; record: CustomerRecord } | { ok: false; fields: string[]; reasons: string[] };

/** Maps one import row (values by column) onto a customer record; only the header's aspects are set. */
export function customerCsvRowToRecord(value: (column: CustomerCsvColumnName) => string | undefined, has: (column: CustomerCsvColumnName) => boolean): CsvRowResult {
  const fields: string[] = [];
  const reasons: string[] = [];
  const problem = (field: string, reason: string) => {
    fields.push(field);
    reasons.push(`${field}: ${reason}`);
  };
  const text = (column: CustomerCsvColumnName) => value(column)?.trim() || undefined;

  const sourceId = text('source_id');
  if (!sourceId) problem('source_id', 'is required');
  else if (sourceId.length > 200) problem('source_id', 'is longer than 200 characters');
  const record: CustomerRecord = { externalId: sourceId ?? '' };

  const type = text('type')?.toUpperCase();
  if (type === 'PERSON' || type === 'COMPANY') record.type = type;
  else if (type) problem('type', `"${value('type')}" is neither PERSON nor COMPANY`);

  const id = text('id');
  if (id && !UUID.test(id)) problem('id', `"${id}" is not a customer id (a uuid)`);
  else if (id) record.customerId = id.toLowerCase();

  if (has('first_name') || has('last_name') || has('display_name') || has('company_name')) {
    const name = { firstName: text('first_name'), lastName: text('last_name'), displayName: text('display_name'), companyName: text('company_name') };
    record.name = Object.fromEntries(Object.entries(name).filter(([, v]) => v !== undefined));
  }

  if (has('email') || has('phone') || has('mobile')) {
    const details: ContactDetail[] = [];
    const email = text('email');
    if (email && !EMAIL.test(email)) problem('email', `"${email}" is not an email address`);
    else if (email) details.push({ kind: 'email', value: email });
    for (const kind of ['phone', 'mobile'] as const) {
      const number = text(kind);
      if (number) details.push({ kind, value: number });
    }
    record.customerContactDetails = details;
  }

  if (has('address_line1') || has('address_line2') || has('address_city') || has('address_state') || has('address_zip') || has('address_country')) {
    const country = text('address_country');
    if (country && !COUNTRY.test(country)) problem('address_country', `"${country}" is not a two-letter country code`);
    const address = {
      line1: text('address_line1'),
      line2: text('address_line2'),
      city: text('address_city'),
      state: text('address_state'),
      zip: text('address_zip'),
      country: country?.toUpperCase(),
    };
    const defined = Object.fromEntries(Object.entries(address).filter(([, v]) => v !== undefined));
    record.addresses = Object.keys(defined).length > 0 ? [{ code: 'main', type: 'billing', ...defined }] : [];
  }

  if (has('vat_number') || has('loyalty_id')) {
    const attributes: Attribute[] = [];
    const vat = text('vat_number');
    if (vat) attributes.push({ key: 'vatNumber', value: vat });
    const loyalty = text('loyalty_id');
    if (loyalty) attributes.push({ key: 'loyaltyId', value: loyalty });
    record.customerAttributes = attributes;
  }

  if (has('parent_source_id') || has('relation_type')) {
    const parent = text('parent_source_id');
    const relationType = text('relation_type') ?? 'Parent';
    if (relationType !== 'Parent' && relationType !== 'SubDepartment') problem('relation_type', `"${relationType}" is neither Parent nor SubDepartment`);
    else if (parent === sourceId && parent) problem('parent_source_id', 'is the customer itself');
    record.relations = parent ? { parentExternalId: parent, relationType: relationType as RelationType } : {};
  }

  return reasons.length > 0 ? { ok: false, fields, reasons } : { ok: true, record };
}
