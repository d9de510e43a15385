import {
  LATEST_CONNECTOR_ASPECTS,
  MULTIPLE_ASPECTS,
  type Aspect,
  type AspectValues,
  type CustomerType,
  type LatestConnectorAspect,
  type MultipleAspect,
} from '../domain/customer-record.js';
import { compareStrings } from './compare-strings.js';
import { emptyItems } from './empty-items.js';
import { itemKey } from './item-key.js';
import { MergeConflictError } from './merge-conflict-error.js';
import type { MergedCustomer, MergedItem, MergedValue, Provenance, StepContribution } from './merged-customer.js';
import { normalizeValue, sameValue } from './normalize-value.js';

type AnyItem = MergedItem<unknown>;

interface SuppliedItem {
  value: unknown;
  /** The last step's connector that supplied the item. */
  connector: string;
  suppliers: Set<string>;
}

/**
 * Merges what the steps of one run say about a customer into its stored state.
 *
 * `contributions` are in flow order (source first). Latest-connector aspects take
 * the last supplying step's value; multiple aspects combine items by identity, a
 * later step's value overwriting an earlier one's. An item a connector supplied
 * before but no longer supplies (in a run where that connector supplied the aspect)
 * loses that connector and is removed once no connector supplies it. Provenance is
 * kept when neither the value nor its connector changed, so merging unchanged input
 * again yields a deep-equal customer whatever the run id. Values and items are built with their
 * keys in sorted order, so their canonical JSON is their JSON (see `canonicalJson`).
 *
 * @throws MergeConflictError when the records disagree on the customer's type, or no type is known.
 */
export function mergeCustomer(
  current: MergedCustomer | undefined,
  contributions: readonly StepContribution[],
  runId: string,
): MergedCustomer {
  const type = resolveType(current, contributions);
  const latest: Partial<{ [A in LatestConnectorAspect]: MergedValue<AspectValues[A]> }> = {};
  for (const aspect of LATEST_CONNECTOR_ASPECTS) {
    const merged = mergeLatest(aspect, current?.[aspect], contributions, runId);
    if (merged !== undefined) (latest as Record<string, unknown>)[aspect] = merged;
  }
  const items = emptyItems();
  for (const aspect of MULTIPLE_ASPECTS) {
    const currentItems = (current?.items[aspect] ?? []) as readonly AnyItem[];
    (items as Record<MultipleAspect, AnyItem[]>)[aspect] = mergeItems(aspect, currentItems, contributions, runId);
  }
  return {
    type,
    ...(latest.name !== undefined && { name: latest.name }),
    ...(latest.relations !== undefined && { relations: latest.relations }),
    items,
  };
}

/** The step's value for an aspect, or `undefined` when the step did not supply it for this customer. */
function suppliedValue<A extends Aspect>(contribution: StepContribution, aspect: A): AspectValues[A] | undefined {
  const record = contribution.record;
  if (record === undefined || !contribution.aspects.includes(aspect)) return undefined;
  return record[aspect] as AspectValues[A] | undefined;
}

function resolveType(current: MergedCustomer | undefined, contributions: readonly StepContribution[]): CustomerType {
  let type: CustomerType | undefined = current?.type;
  for (const contribution of contributions) {
    const record = contribution.record;
    if (record?.type === undefined) continue;
    if (type === undefined) {
      type = record.type;
    } else if (record.type !== type) {
      throw new MergeConflictError(
        `customer ${record.externalId} is ${type} but connector ${contribution.connector} reports ${record.type}; ` +
          'one external id can never be both',
        { externalId: record.externalId, field: 'type', connector: contribution.connector },
      );
    }
  }
  if (type === undefined) {
    const first = contributions.find((contribution) => contribution.record !== undefined);
    const externalId = first?.record?.externalId ?? '';
    throw new MergeConflictError(
      `customer ${externalId || '(unknown)'} has no type: it is not stored yet and no connector reports PERSON or COMPANY`,
      { externalId, field: 'type', ...(first && { connector: first.connector }) },
    );
  }
  return type;
}

function mergeLatest<A extends LatestConnectorAspect>(
  aspect: A,
  current: MergedValue<AspectValues[A]> | undefined,
  contributions: readonly StepContribution[],
  runId: string,
): MergedValue<AspectValues[A]> | undefined {
  let winner: { connector: string; value: AspectValues[A] } | undefined;
  for (const contribution of contributions) {
    const value = suppliedValue(contribution, aspect);
    if (value !== undefined) winner = { connector: contribution.connector, value };
  }
  if (winner === undefined) return current === undefined ? undefined : normalizeValue(current);
  const value = normalizeValue(winner.value);
  const unchanged =
    current !== undefined && current.provenance.connector === winner.connector && sameValue(current.value, value);
  return { provenance: unchanged ? copyProvenance(current.provenance) : { connector: winner.connector, runId }, value };
}

function mergeItems(
  aspect: MultipleAspect,
  currentItems: readonly AnyItem[],
  contributions: readonly StepContribution[],
  runId: string,
): AnyItem[] {
  if (currentItems.length === 0 && contributions.every((c) => !(suppliedValue(c, aspect) as readonly unknown[] | undefined)?.length)) return [];
  const stored = new Map<string, AnyItem>();
  for (const item of currentItems) stored.set(item.key, item);

  const supplied = new Map<string, SuppliedItem>();
  const keysByConnector = new Map<string, Set<string>>();
  for (const contribution of contributions) {
    const list = suppliedValue(contribution, aspect) as readonly unknown[] | undefined;
    if (list === undefined) continue;
    const connectorKeys = keysByConnector.get(contribution.connector) ?? new Set<string>();
    keysByConnector.set(contribution.connector, connectorKeys);
    const stepItems = new Map<string, unknown>();
    for (const item of list) stepItems.set(itemKey(aspect, item as never), item);
    for (const [key, value] of stepItems) {
      connectorKeys.add(key);
      const entry = supplied.get(key);
      if (entry === undefined) {
        supplied.set(key, { value, connector: contribution.connector, suppliers: new Set([contribution.connector]) });
      } else {
        entry.value = value;
        entry.connector = contribution.connector;
        entry.suppliers.add(contribution.connector);
      }
    }
  }

  const result: AnyItem[] = [];
  const keys = new Set(stored.keys());
  for (const key of supplied.keys()) keys.add(key);
  for (const key of keys) {
    const old = stored.get(key);
    const fresh = supplied.get(key);
    const suppliedBy = old ? [...old.suppliedBy] : [];
    let dropped: string[] | undefined;
    for (const [connector, connectorKeys] of keysByConnector) {
      const at = connectorKeys.has(key) ? -1 : suppliedBy.indexOf(connector);
      if (at >= 0) (dropped ??= []).push(...suppliedBy.splice(at, 1));
    }
    for (const connector of fresh?.suppliers ?? []) if (!suppliedBy.includes(connector)) suppliedBy.push(connector);
    if (suppliedBy.length === 0 && dropped) continue;
    if (suppliedBy.length > 1) suppliedBy.sort(compareStrings);

    if (fresh !== undefined) {
      const value = normalizeValue(fresh.value);
      const unchanged = old !== undefined && old.provenance.connector === fresh.connector && sameValue(old.value, value);
      const provenance = unchanged ? copyProvenance(old.provenance) : { connector: fresh.connector, runId };
      result.push({ key, provenance, suppliedBy, value });
    } else if (old !== undefined) {
      const first = suppliedBy[0];
      const provenance =
        dropped?.includes(old.provenance.connector) && first !== undefined
          ? { connector: first, runId: old.provenance.runId }
          : copyProvenance(old.provenance);
      result.push({ key, provenance, suppliedBy, value: normalizeValue(old.value) });
    }
  }
  return result.sort((a, b) => compareStrings(a.key, b.key));
}

function copyProvenance(provenance: Provenance): Provenance {
  return { connector: provenance.connector, runId: provenance.runId };
}
