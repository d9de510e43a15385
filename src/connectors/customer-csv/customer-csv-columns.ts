import type { Aspect } from '../../domain/customer-record.js';

/** How a column of the bulk-import CSV is read: the aspect it supplies (none: identity) and what it means. */
export interface CustomerCsvColumn {
  aspect?: Aspect;
  description: string;
}

/**
 * The documented layout of `custsync import` files: one customer per row, comma
 * delimited, a header row naming any of these columns (only `source_id` is required).
 * A file supplies only the aspects its columns belong to; the others stay as they are.
 */
export const CUSTOMER_CSV_COLUMNS = {
  source_id: { description: 'the customer’s id in the importing connector (required, unique in the file)' },
  id: { description: 'the platform customer id, when known: its source id must be this row’s source_id' },
  type: { description: 'PERSON or COMPANY; required for new customers' },
  first_name: { aspect: 'name', description: 'first name (PERSON)' },
  last_name: { aspect: 'name', description: 'last name (PERSON)' },
  display_name: { aspect: 'name', description: 'display name' },
  company_name: { aspect: 'name', description: 'company name (COMPANY)' },
  email: { aspect: 'customerContactDetails', description: 'email address' },
  phone: { aspect: 'customerContactDetails', description: 'phone number' },
  mobile: { aspect: 'customerContactDetails', description: 'mobile number' },
  address_line1: { aspect: 'addresses', description: 'main address, first line' },
  address_line2: { aspect: 'addresses', description: 'main address, second line' },
  address_city: { aspect: 'addresses', description: 'main address, city' },
  address_state: { aspect: 'addresses', description: 'main address, state' },
  address_zip: { aspect: 'addresses', description: 'main address, postal code' },
  address_country: { aspect: 'addresses', description: 'main address, ISO 3166 alpha-2 country code' },
  vat_number: { aspect: 'customerAttributes', description: 'VAT / organization number (attribute vatNumber)' },
  loyalty_id: { aspect: 'customerAttributes', description: 'loyalty program id (attribute loyaltyId)' },
  parent_source_id: { aspect: 'relations', description: 'source_id of the parent company' },
  relation_type: { aspect: 'relations', description: 'Parent (default) or SubDepartment' },
} as const satisfies Record<string, CustomerCsvColumn>;

export type CustomerCsvColumnName = keyof typeof CUSTOMER_CSV_COLUMNS;

export const CUSTOMER_CSV_COLUMN_NAMES = Object.keys(CUSTOMER_CSV_COLUMNS) as CustomerCsvColumnName[];

/** The aspects a file with this header supplies. */
export function aspectsOfColumns(columns: readonly string[]): Aspect[] {
  const aspects = new Set<Aspect>();
  for (const column of columns) {
    const spec = (CUSTOMER_CSV_COLUMNS as Record<string, CustomerCsvColumn>)[column];
    if (spec?.aspect) aspects.add(spec.aspect);
  }
  return [...aspects];
}
