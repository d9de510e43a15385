import { MULTIPLE_ASPECTS, type AspectValues } from '../domain/customer-record.js';
import type { MergedCustomer } from './merged-customer.js';

/** A merged customer's values per aspect, without provenance: what it is, as other systems see it. */
export function mergedValues(merged: MergedCustomer): Partial<AspectValues> {
  const values: Partial<AspectValues> = {};
  if (merged.name) values.name = merged.name.value;
  if (merged.relations) values.relations = merged.relations.value;
  for (const aspect of MULTIPLE_ASPECTS) {
    const items = merged.items[aspect];
    if (items.length > 0) (values as Record<string, unknown[]>)[aspect] = items.map((i) => i.value);
  }
  return values;
}
