import type { CustomerName } from './customer-record.js';

/** A customer's name as people read it: the company name, else the display name, else first and last name; '' when it has none. */
export function displayNameOf(name: { [K in keyof CustomerName]?: string | null } | undefined | null): string {
  if (!name) return '';
  return name.companyName ?? name.displayName ?? ([name.firstName, name.lastName].filter(Boolean).join(' ') || '');
}

/** The same from a stored customer's name columns. */
export function displayNameOfRow(c: { company_name: string | null; display_name: string | null; first_name: string | null; last_name: string | null }): string {
  return displayNameOf({ companyName: c.company_name, displayName: c.display_name, firstName: c.first_name, lastName: c.last_name });
}
