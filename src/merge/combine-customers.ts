import { MULTIPLE_ASPECTS, type MultipleAspect } from '../domain/customer-record.js';
import { compareStrings } from './compare-strings.js';
import type { MergedCustomer, MergedItem } from './merged-customer.js';

type AnyItem = MergedItem<unknown>;

/**
 * One customer out of two that are one (a duplicate merged into its survivor): the survivor's
 * name and relations, or the other's where the survivor has none; every item of both, one per
 * identity, the survivor's value winning, supplied by the connectors of either. Items stay
 * sorted by key, as `mergeCustomer` keeps them.
 */
export function combineCustomers(survivor: MergedCustomer, other: MergedCustomer): MergedCustomer {
  const items = {} as Record<MultipleAspect, AnyItem[]>;
  for (const aspect of MULTIPLE_ASPECTS) {
    const byKey = new Map<string, AnyItem>();
    for (const item of other.items[aspect] as AnyItem[]) byKey.set(item.key, item);
    for (const item of survivor.items[aspect] as AnyItem[]) {
      const theirs = byKey.get(item.key);
      byKey.set(item.key, theirs ? { ...item, suppliedBy: [...new Set([...item.suppliedBy, ...theirs.suppliedBy])].sort(compareStrings) } : item);
    }
    items[aspect] = [...byKey.values()].sort((a, b) => compareStrings(a.key, b.key));
  }
  const name = survivor.name ?? other.name;
  const relations = survivor.relations ?? other.relations;
  const candidates = survivor.contactDetailCandidates ?? other.contactDetailCandidates;
  return { type: survivor.type, ...(name && { name }), ...(relations && { relations }), items: items as unknown as MergedCustomer['items'], ...(candidates && { contactDetailCandidates: candidates }) };
}
