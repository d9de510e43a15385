import type { ContactDetail, MultipleAspect } from '../domain/customer-record.js';
import { describeRule, ruleFor, type SurvivorshipRules } from '../domain/survivorship.js';
import { compareStrings } from './compare-strings.js';
import { itemKey } from './item-key.js';
import type { MergedItem, StepContribution } from './merged-customer.js';
import { normalizeValue, sameValue } from './normalize-value.js';
import { pickSurvivor, suppliedAt, type SuppliedValue } from './survivor.js';

type DetailItem = MergedItem<ContactDetail>;
/** Each connector's contact details of one kind, as one field's candidates. */
export type KindCandidates = SuppliedValue<ContactDetail[]>[];

const ASPECT: MultipleAspect = 'customerContactDetails';
const kindOf = (detail: { kind: string }) => detail.kind.trim().toLowerCase();

/** The kinds of the customer's contact details that have a rule (`customerContactDetails.<kind>`, or the aspect's for every kind). */
function ruledKinds(rules: SurvivorshipRules, items: readonly DetailItem[], contributions: readonly StepContribution[]): string[] {
  const kinds = new Set<string>();
  for (const field of Object.keys(rules)) if (field.startsWith(`${ASPECT}.`)) kinds.add(field.slice(ASPECT.length + 1).toLowerCase());
  if (rules[ASPECT]) {
    for (const item of items) kinds.add(kindOf(item.value));
    for (const c of contributions) for (const d of c.record?.customerContactDetails ?? []) kinds.add(kindOf(d));
  }
  return [...kinds].sort(compareStrings);
}

/**
 * Contact details of one kind as one field (`customerContactDetails.phone: { priority: [crm] }`):
 * each connector's details of that kind are its value, the rule chooses whose stay, the others
 * are kept as candidates (in `candidatesByKind`, stored with the customer). Without a rule on
 * the aspect or a kind, `items` are returned as they are.
 */
export function applyKindRules(
  items: readonly DetailItem[],
  stored: Readonly<Record<string, KindCandidates>> | undefined,
  contributions: readonly StepContribution[],
  rules: SurvivorshipRules | undefined,
  runId: string,
  now: string,
): { items: DetailItem[]; candidatesByKind?: Record<string, KindCandidates> } {
  if (!rules || !Object.keys(rules).some((f) => f === ASPECT || f.startsWith(`${ASPECT}.`))) return { items: [...items] };
  const kinds = ruledKinds(rules, items, contributions);
  const byKind: Record<string, KindCandidates> = {};
  let result = [...items];
  for (const kind of kinds) {
    const rule = ruleFor(rules, ASPECT, kind);
    if (!rule) continue;
    const entries = new Map((stored?.[kind] ?? []).map((e) => [e.connector, e]));
    if (!stored?.[kind]) {
      // First under a rule: each connector's stored details of the kind, as far as the items tell.
      for (const item of items.filter((i) => kindOf(i.value) === kind)) {
        const own = entries.get(item.provenance.connector);
        entries.set(item.provenance.connector, { at: '', connector: item.provenance.connector, runId: item.provenance.runId, value: [...(own?.value ?? []), item.value] });
      }
    }
    let latest: string | undefined;
    for (const c of contributions) {
      const details = c.aspects.includes(ASPECT) ? c.record?.customerContactDetails : undefined;
      if (details === undefined) continue;
      const mine = normalizeValue(details.filter((d) => kindOf(d) === kind)).sort((a, b) => compareStrings(itemKey(ASPECT, a), itemKey(ASPECT, b)));
      const before = entries.get(c.connector);
      if (!before || !sameValue(before.value, mine)) entries.set(c.connector, { at: suppliedAt(c.record, now), connector: c.connector, runId, value: mine });
      if (mine.length > 0) latest = c.connector;
    }
    const candidates = [...entries.values()].sort((a, b) => compareStrings(a.connector, b.connector));
    byKind[kind] = candidates;
    const winner = pickSurvivor(candidates, rule, latest ?? items.find((i) => kindOf(i.value) === kind)?.provenance.connector);
    const kept = new Map((winner?.value ?? []).map((d) => [itemKey(ASPECT, d), d]));
    result = result.filter((i) => kindOf(i.value) !== kind || kept.has(i.key));
    for (const [key, value] of kept) {
      const existing = result.find((i) => i.key === key);
      const unchanged = existing && existing.provenance.connector === winner!.connector && sameValue(existing.value, value);
      // The candidates are each connector's list of the kind: what lost is shown from them.
      const item = {
        candidates,
        chosenBy: describeRule(rule),
        key,
        provenance: unchanged ? existing.provenance : { connector: winner!.connector, runId: winner!.runId },
        suppliedBy: existing?.suppliedBy ?? [winner!.connector],
        value,
      } as unknown as DetailItem;
      result = existing ? result.map((i) => (i.key === key ? item : i)) : [...result, item];
    }
  }
  return { items: result.sort((a, b) => compareStrings(a.key, b.key)), candidatesByKind: byKind };
}
