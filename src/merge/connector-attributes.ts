import type { Attribute, AttributeValue } from '../domain/customer-record.js';
import type { MergedCustomer } from './merged-customer.js';

/**
 * The customer attributes a connector supplies to a customer, with one attribute set (`value`
 * given) or removed: the list that connector would send to change only that attribute.
 */
export function connectorAttributesWith(current: MergedCustomer | undefined, connector: string, key: string, value: AttributeValue | undefined): Attribute[] {
  const supplied = (current?.items.customerAttributes ?? []).filter((i) => i.suppliedBy.includes(connector) && i.value.key !== key).map((i) => i.value);
  return value === undefined ? supplied : [...supplied, { key, value }];
}
