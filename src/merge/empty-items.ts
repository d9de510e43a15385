import type { MergedItems } from './merged-customer.js';

/** A fresh item map with an empty list for every multiple aspect. */
export function emptyItems(): MergedItems {
  return {
    contactPersons: [],
    addresses: [],
    customerAttributes: [],
    addressAttributes: [],
    contactPersonAttributes: [],
    customerContactDetails: [],
    addressContactDetails: [],
    contactPersonContactDetails: [],
    attachments: [],
  };
}
