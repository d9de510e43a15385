import { MULTIPLE_ASPECTS, type MultipleAspect } from '../domain/customer-record.js';
import type { MergedCustomer, MergedItem, MergedValue } from './merged-customer.js';
import { sameValue } from './normalize-value.js';

type AnyItem = MergedItem<unknown>;

/** The two customers a merge made one of, as they were before it. */
export interface BeforeMerge {
  survivor: MergedCustomer;
  merged: MergedCustomer;
}

/** A value (or item) that is what it was before the merge, from the same connector, is that one again, with its provenance. */
function asBefore<V extends MergedValue<unknown> & { suppliedBy?: string[] }>(value: V, before: V | undefined): V {
  const same =
    before !== undefined &&
    before.provenance.connector === value.provenance.connector &&
    sameValue(before.value, value.value) &&
    JSON.stringify(before.suppliedBy) === JSON.stringify(value.suppliedBy);
  return same ? before : value;
}

/**
 * Undoes a merge after later runs changed the survivor: each value goes back to the customer
 * whose connectors supply it. `movedConnectors` are the connectors whose ids the merge moved
 * (the merged customer's, none of them the survivor's own). An item keeps, on each side, the
 * connectors of that side that supply it; where its value came from the other side's connector,
 * that side takes its value from before the merge. The name and relations go where their
 * connector is, the other side keeping what it had before. A value that is what it was before
 * the merge gets its provenance from then back (as if the merge never happened).
 */
export function splitCustomers(current: MergedCustomer, before: BeforeMerge, movedConnectors: ReadonlySet<string>): { survivor: MergedCustomer; merged: MergedCustomer } {
  const survivorItems = {} as Record<MultipleAspect, AnyItem[]>;
  const mergedItems = {} as Record<MultipleAspect, AnyItem[]>;
  for (const aspect of MULTIPLE_ASPECTS) {
    const survivorBefore = new Map((before.survivor.items[aspect] as AnyItem[]).map((i) => [i.key, i]));
    const mergedBefore = new Map((before.merged.items[aspect] as AnyItem[]).map((i) => [i.key, i]));
    survivorItems[aspect] = [];
    mergedItems[aspect] = [];
    for (const item of current.items[aspect] as AnyItem[]) {
      const moved = item.suppliedBy.filter((c) => movedConnectors.has(c));
      const stayed = item.suppliedBy.filter((c) => !movedConnectors.has(c));
      const fromMoved = movedConnectors.has(item.provenance.connector);
      if (stayed.length > 0) survivorItems[aspect].push(asBefore({ ...(fromMoved ? (survivorBefore.get(item.key) ?? item) : item), suppliedBy: stayed }, survivorBefore.get(item.key)));
      if (moved.length > 0) mergedItems[aspect].push(asBefore({ ...(fromMoved ? item : (mergedBefore.get(item.key) ?? item)), suppliedBy: moved }, mergedBefore.get(item.key)));
    }
  }
  const side = <T>(value: MergedValue<T> | undefined, survivorBefore: MergedValue<T> | undefined, mergedBefore: MergedValue<T> | undefined) =>
    value !== undefined && movedConnectors.has(value.provenance.connector)
      ? { survivor: survivorBefore, merged: asBefore(value, mergedBefore) }
      : { survivor: value && asBefore(value, survivorBefore), merged: mergedBefore };
  const name = side(current.name, before.survivor.name, before.merged.name);
  const relations = side(current.relations, before.survivor.relations, before.merged.relations);
  const build = (type: MergedCustomer['type'], n: MergedCustomer['name'], r: MergedCustomer['relations'], items: Record<MultipleAspect, AnyItem[]>): MergedCustomer => ({
    type,
    ...(n && { name: n }),
    ...(r && { relations: r }),
    items: items as unknown as MergedCustomer['items'],
  });
  return { survivor: build(current.type, name.survivor, relations.survivor, survivorItems), merged: build(before.merged.type, name.merged, relations.merged, mergedItems) };
}
