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
import { pickSurvivor, suppliedAt, type SuppliedValue } from './survivor.js';
import { applyKindRules } from './kind-fields.js';
import { describeRule, ruleFor, type FieldRule, type SurvivorshipRules } from '../domain/survivorship.js';

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
  options: MergeOptions = {},
): MergedCustomer {
  const type = resolveType(current, contributions);
  const latest: Partial<{ [A in LatestConnectorAspect]: MergedValue<AspectValues[A]> }> = {};
  for (const aspect of LATEST_CONNECTOR_ASPECTS) {
    const rule = ruleFor(options.rules, aspect);
    const merged = rule
      ? mergeByRule(aspect, current?.[aspect], contributions, runId, rule, options.now ?? '')
      : mergeLatest(aspect, current?.[aspect], contributions, runId);
    if (merged !== undefined) (latest as Record<string, unknown>)[aspect] = merged;
  }
  const items = emptyItems();
  for (const aspect of MULTIPLE_ASPECTS) {
    const currentItems = (current?.items[aspect] ?? []) as readonly AnyItem[];
    (items as Record<MultipleAspect, AnyItem[]>)[aspect] = mergeItems(aspect, currentItems, contributions, runId, options);
  }
  const byKind = applyKindRules(items.customerContactDetails, current?.contactDetailCandidates, contributions, options.rules, runId, options.now ?? '');
  items.customerContactDetails = byKind.items;
  return {
    type,
    ...(latest.name !== undefined && { name: latest.name }),
    ...(latest.relations !== undefined && { relations: latest.relations }),
    items,
    ...(byKind.candidatesByKind && { contactDetailCandidates: byKind.candidatesByKind }),
  };
}

/** How `mergeCustomer` decides between connectors. */
export interface MergeOptions {
  /** Survivorship rules by field; a field without one keeps today's behaviour (the latest step wins). Default none. */
  rules?: SurvivorshipRules;
  /** The time a changed value is recorded with (ISO), which `mostRecent` compares. Default ''. */
  now?: string;
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

/** Each connector's latest value of a field: the stored candidates, or the stored value alone when none were kept. */
function storedCandidates<T>(current: (MergedValue<T> & { suppliedBy?: string[] }) | undefined): Map<string, SuppliedValue<T>> {
  const entries = new Map<string, SuppliedValue<T>>();
  if (!current) return entries;
  for (const c of current.candidates ?? [{ at: '', connector: current.provenance.connector, runId: current.provenance.runId, value: current.value }]) entries.set(c.connector, c);
  return entries;
}

/** A connector's value recorded as supplied now, unless it is the value it supplied before. */
function recordSupplied<T>(entries: Map<string, SuppliedValue<T>>, connector: string, value: T, runId: string, now: string): void {
  const normalized = normalizeValue(value);
  const before = entries.get(connector);
  if (!before || !sameValue(before.value, normalized)) entries.set(connector, { at: now, connector, runId, value: normalized });
}

/** The survivor among the candidates by `rule`, with what lost kept beside it. */
function survivorOf<T>(current: MergedValue<T> | undefined, entries: Map<string, SuppliedValue<T>>, rule: FieldRule, latestConnector: string | undefined): MergedValue<T> | undefined {
  const candidates = [...entries.values()].sort((a, b) => compareStrings(a.connector, b.connector));
  const winner = pickSurvivor(candidates, rule, latestConnector);
  if (!winner) return undefined;
  const unchanged = current !== undefined && current.provenance.connector === winner.connector && sameValue(current.value, winner.value);
  return {
    candidates,
    chosenBy: describeRule(rule),
    provenance: unchanged ? copyProvenance(current.provenance) : { connector: winner.connector, runId: winner.runId },
    value: normalizeValue(winner.value),
  };
}

function mergeByRule<A extends LatestConnectorAspect>(
  aspect: A,
  current: MergedValue<AspectValues[A]> | undefined,
  contributions: readonly StepContribution[],
  runId: string,
  rule: FieldRule,
  now: string,
): MergedValue<AspectValues[A]> | undefined {
  const entries = storedCandidates(current);
  let latestConnector = current?.provenance.connector;
  for (const contribution of contributions) {
    const value = suppliedValue(contribution, aspect);
    if (value === undefined) continue;
    recordSupplied(entries, contribution.connector, value, runId, suppliedAt(contribution.record, now));
    latestConnector = contribution.connector;
  }
  return survivorOf(current, entries, rule, latestConnector);
}

function mergeItems(
  aspect: MultipleAspect,
  currentItems: readonly AnyItem[],
  contributions: readonly StepContribution[],
  runId: string,
  options: MergeOptions,
): AnyItem[] {
  const ruled = aspect === 'customerAttributes' && options.rules !== undefined && Object.keys(options.rules).some((f) => f === aspect || f.startsWith(`${aspect}.`));
  /** With rules: each connector's value of each item this run. */
  const byConnector = new Map<string, Map<string, { value: unknown; at?: string }>>();
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
      if (ruled) byConnector.set(key, (byConnector.get(key) ?? new Map<string, { value: unknown; at?: string }>()).set(contribution.connector, { value, ...(contribution.record?.changedAt && { at: suppliedAt(contribution.record, '') }) }));
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

    const rule = ruled ? ruleFor(options.rules, aspect, key) : undefined;
    if (rule) {
      const entries = storedCandidates(old);
      for (const connector of [...entries.keys()]) if (!suppliedBy.includes(connector)) entries.delete(connector);
      for (const [connector, { value, at }] of byConnector.get(key) ?? []) recordSupplied(entries, connector, value, runId, at ?? options.now ?? '');
      const chosen = survivorOf(old, entries, rule, fresh?.connector ?? old?.provenance.connector);
      if (chosen) result.push({ candidates: chosen.candidates, chosenBy: chosen.chosenBy, key, provenance: chosen.provenance, suppliedBy, value: chosen.value });
      continue;
    }

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
