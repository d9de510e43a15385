import {
  ASPECTS,
  LATEST_CONNECTOR_ASPECTS,
  type Aspect,
  type LatestConnectorAspect,
  type MultipleAspect,
} from '../domain/customer-record.js';
import { compareStrings } from './compare-strings.js';
import type { MergedCustomer, MergedItem } from './merged-customer.js';
import { sameValue } from './normalize-value.js';

/** One value change between two states of a customer. */
export interface CustomerDiff {
  /** An aspect name, or `type`. */
  aspect: string;
  /** The item's identity, for multiple aspects. */
  key?: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const LATEST: ReadonlySet<Aspect> = new Set(LATEST_CONNECTOR_ASPECTS);

/**
 * The value changes from `before` (absent for a new customer) to `after`: the type,
 * then each aspect in `ASPECTS` order, items by key. Provenance and supplier changes
 * that leave a value untouched are not changes.
 */
export function diffCustomers(before: MergedCustomer | undefined, after: MergedCustomer): CustomerDiff[] {
  const diffs: CustomerDiff[] = [];
  if (before === undefined) diffs.push({ aspect: 'type', change: 'added', after: after.type });
  else if (before.type !== after.type) diffs.push({ aspect: 'type', change: 'changed', before: before.type, after: after.type });

  for (const aspect of ASPECTS) {
    if (LATEST.has(aspect)) {
      const latest = aspect as LatestConnectorAspect;
      diffValue(diffs, aspect, undefined, before?.[latest]?.value, after[latest]?.value);
    } else {
      diffItems(diffs, aspect as MultipleAspect, before, after);
    }
  }
  return diffs;
}

function diffItems(diffs: CustomerDiff[], aspect: MultipleAspect, before: MergedCustomer | undefined, after: MergedCustomer): void {
  const beforeItems = byKey(before?.items[aspect] ?? []);
  const afterItems = byKey(after.items[aspect]);
  const keys = [...new Set([...beforeItems.keys(), ...afterItems.keys()])].sort(compareStrings);
  for (const key of keys) diffValue(diffs, aspect, key, beforeItems.get(key)?.value, afterItems.get(key)?.value);
}

function diffValue(diffs: CustomerDiff[], aspect: string, key: string | undefined, before: unknown, after: unknown): void {
  const location = key === undefined ? { aspect } : { aspect, key };
  if (before === undefined && after === undefined) return;
  if (before === undefined) diffs.push({ ...location, change: 'added', after });
  else if (after === undefined) diffs.push({ ...location, change: 'removed', before });
  else if (!sameValue(before, after)) diffs.push({ ...location, change: 'changed', before, after });
}

function byKey(items: readonly MergedItem<unknown>[]): Map<string, MergedItem<unknown>> {
  return new Map(items.map((item) => [item.key, item]));
}
