/**
 * Survivorship: which connector's value a customer keeps where several supply one (SPEC §1).
 * `latest` is the default and today's behaviour: the last step that supplied it, in the latest
 * run that did; `union` (lists) keeps every connector's items, as lists do without a rule.
 */
export const SURVIVORSHIP_RULES = ['latest', 'priority', 'mostRecent', 'mostFrequent', 'union'] as const;
export type SurvivorshipRuleName = (typeof SURVIVORSHIP_RULES)[number];

/** The rule of one field. */
export interface FieldRule {
  rule: SurvivorshipRuleName;
  /** `priority`: connectors, the first the strongest; connectors not listed rank after them, most recent first. */
  connectors?: string[];
  /** An empty value (absent, blank text, nothing in it) never wins over one that has something. Default false. */
  ignoreEmpty?: boolean;
}

/**
 * A flow's rules by field: `name`, `relations`, `customerAttributes` (every attribute),
 * `customerAttributes.<key>` (one attribute, over the aspect's rule), `customerContactDetails`
 * (each kind) or `customerContactDetails.<kind>` (the details of one kind, as one field).
 */
export type SurvivorshipRules = Readonly<Record<string, FieldRule>>;

/** The fields a rule can be given for: the single-valued aspects, attributes (all, or one by key), contact details (each kind, or one). */
export const RULE_FIELD = /^(name|relations|customerAttributes(\.[^.\s]+)?|customerContactDetails(\.[^.\s]+)?)$/;

/**
 * The rule for an aspect's value, or for one of its items by key; undefined: `latest` without
 * keeping what lost, or `union` (every connector's items kept side by side, as without a rule).
 */
export function ruleFor(rules: SurvivorshipRules | undefined, aspect: string, key?: string): FieldRule | undefined {
  if (!rules) return undefined;
  const rule = (key !== undefined ? rules[`${aspect}.${key}`] : undefined) ?? rules[aspect];
  return rule?.rule === 'union' ? undefined : rule;
}

/** A rule in words, as `customers show` and the API say which rule chose a value: `priority (erp, crm), ignoring empty values`. */
export function describeRule(rule: FieldRule): string {
  const base = rule.rule === 'priority' ? `priority (${(rule.connectors ?? []).join(', ')})` : rule.rule;
  return rule.ignoreEmpty ? `${base}, ignoring empty values` : base;
}
