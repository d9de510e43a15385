import { MULTIPLE_ASPECTS, type CustomerName } from '../domain/customer-record.js';
import type { MergedCustomer } from './merged-customer.js';
import { sameValue } from './normalize-value.js';

/** One customer's value of a field, and the connector it came from. */
export interface SourcedValue {
  value: unknown;
  connector: string;
}

/** A field of two customers shown side by side: a name part, or an item by its aspect and identity. */
export interface ComparedField {
  /** `name.companyName`, `relations`, or the aspect of an item. */
  field: string;
  /** The item's identity within its aspect; absent for the name and relations. */
  key?: string;
  left?: SourcedValue;
  right?: SourcedValue;
  /** Both have it, with the same value. */
  same: boolean;
}

const NAME_PARTS: readonly (keyof CustomerName)[] = ['companyName', 'firstName', 'lastName', 'displayName'];

function compared(field: string, key: string | undefined, left: SourcedValue | undefined, right: SourcedValue | undefined): ComparedField {
  return {
    field,
    ...(key !== undefined && { key }),
    ...(left && { left }),
    ...(right && { right }),
    same: left !== undefined && right !== undefined && sameValue(left.value, right.value),
  };
}

/**
 * Two customers field by field, each value with its connector: the name's parts, the relations,
 * then every item of every aspect by its identity (the items only one of them has included).
 */
export function sideBySide(left: MergedCustomer, right: MergedCustomer): ComparedField[] {
  const fields: ComparedField[] = [];
  for (const part of NAME_PARTS) {
    const l = left.name?.value[part];
    const r = right.name?.value[part];
    if (l === undefined && r === undefined) continue;
    fields.push(
      compared(
        `name.${part}`,
        undefined,
        l === undefined ? undefined : { value: l, connector: left.name!.provenance.connector },
        r === undefined ? undefined : { value: r, connector: right.name!.provenance.connector },
      ),
    );
  }
  if (left.relations || right.relations) {
    const sourced = (c: MergedCustomer) => (c.relations ? { value: c.relations.value, connector: c.relations.provenance.connector } : undefined);
    fields.push(compared('relations', undefined, sourced(left), sourced(right)));
  }
  for (const aspect of MULTIPLE_ASPECTS) {
    const rightItems = new Map(right.items[aspect].map((item) => [item.key, item]));
    for (const item of left.items[aspect]) {
      const other = rightItems.get(item.key);
      rightItems.delete(item.key);
      fields.push(compared(aspect, item.key, { value: item.value, connector: item.provenance.connector }, other && { value: other.value, connector: other.provenance.connector }));
    }
    for (const item of rightItems.values()) fields.push(compared(aspect, item.key, undefined, { value: item.value, connector: item.provenance.connector }));
  }
  return fields;
}
