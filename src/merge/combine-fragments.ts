import { MULTIPLE_ASPECTS, type CustomerRecord, type MultipleAspect } from '../domain/customer-record.js';
import { itemKey } from './item-key.js';
import { MergeConflictError } from './merge-conflict-error.js';

/**
 * Combines the fragments in which one connector reported one customer (for example
 * one flat-file row per address) into a single record. The external id comes from the
 * first fragment; `type`, `name` and `relations` from the last fragment that has them, the
 * change time from the latest;
 * multiple-aspect lists are concatenated in order and deduplicated by item identity,
 * a later item replacing an earlier one in the earlier one's position. An aspect no
 * fragment has stays absent.
 *
 * @throws Error when `fragments` is empty.
 * @throws MergeConflictError when fragments disagree on the customer's type: one id cannot be both a PERSON and a COMPANY.
 */
export function combineFragments(fragments: readonly CustomerRecord[]): CustomerRecord {
  const [first] = fragments;
  if (first === undefined) throw new Error('combineFragments needs at least one fragment');
  const combined: CustomerRecord = { externalId: first.externalId };
  for (const fragment of fragments) {
    if (fragment.type !== undefined) {
      if (combined.type !== undefined && combined.type !== fragment.type) {
        throw new MergeConflictError(
          `customer ${first.externalId} is reported both as ${combined.type} and as ${fragment.type}; ` +
            'one id cannot be both a person and a company: nothing of it was merged',
          { externalId: first.externalId, field: 'type' },
        );
      }
      combined.type = fragment.type;
    }
    if (fragment.changedAt !== undefined && (combined.changedAt === undefined || changedTime(fragment.changedAt) > changedTime(combined.changedAt))) combined.changedAt = fragment.changedAt;
    if (fragment.name !== undefined) combined.name = fragment.name;
    if (fragment.relations !== undefined) combined.relations = fragment.relations;
  }
  for (const aspect of MULTIPLE_ASPECTS) {
    let byKey: Map<string, unknown> | undefined;
    for (const fragment of fragments) {
      const list = fragment[aspect] as readonly unknown[] | undefined;
      if (list === undefined) continue;
      byKey ??= new Map();
      for (const item of list) byKey.set(itemKey(aspect, item as never), item);
    }
    if (byKey !== undefined) (combined as Record<MultipleAspect, unknown[]>)[aspect] = [...byKey.values()];
  }
  return combined;
}

const changedTime = (iso: string): number => new Date(iso).getTime();
