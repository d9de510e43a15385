import type { CustomerRow } from '../../db/repositories/customers.js';

/** A customer's entity tag: changes whenever its content or its lifecycle does. */
export function customerEtag(customer: Pick<CustomerRow, 'content_hash' | 'deleted_at' | 'missing_since'>): string {
  const state = customer.deleted_at ? '-deleted' : customer.missing_since ? '-missing' : '';
  return `"${customer.content_hash.slice(0, 32)}${state}"`;
}

/**
 * Whether an `If-Match` header value matches the customer's entity tag (`*` matches any existing
 * customer). Strong comparison (RFC 9110 §13.1.1): a weak tag `W/"…"` never matches.
 */
export function etagMatches(ifMatch: string, customer: Pick<CustomerRow, 'content_hash' | 'deleted_at' | 'missing_since'>): boolean {
  const etag = customerEtag(customer);
  return ifMatch
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || t === etag);
}
