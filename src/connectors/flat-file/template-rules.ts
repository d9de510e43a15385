import { STATE_REQUIRED_COUNTRIES, TEMPLATE_FIELDS_BY_NAME, type TemplateGroup } from './template-fields.js';

/**
 * A conditional rule of the standard template: when column `when` has a value (one of
 * `whenValueIn`, if given), column `require` must have one too. `%` stands for the same
 * number in both (`buyer_name_2` needs `buyer_email_2`).
 */
export interface RequiredWithRule {
  require: string;
  when: string;
  /** Upper-case values of `when` the rule applies to; absent: any value. */
  whenValueIn?: ReadonlySet<string>;
}

/** The reference's conditional rules, beyond each field's own requirement, type and length. */
export const TEMPLATE_RULES: readonly RequiredWithRule[] = [
  { require: 'discount_line_item_level', when: 'discount' },
  { require: 'price_type_name_%', when: 'price_type_currency_%' },
  { require: 'price_type_currency_%', when: 'price_type_name_%' },
  { require: 'buyer_email_%', when: 'buyer_name_%' },
  { require: 'billing_state_%', when: 'billing_country_%', whenValueIn: STATE_REQUIRED_COUNTRIES },
  { require: 'shipping_state_%', when: 'shipping_country_%', whenValueIn: STATE_REQUIRED_COUNTRIES },
];

/** A rule bound to a file's columns: what a row is checked with. */
export interface BoundRule {
  when: string;
  require: string;
  whenIndex: number;
  requireIndex: number;
  whenValueIn?: ReadonlySet<string>;
  /** The address group the rule's columns belong to, if any. */
  group?: TemplateGroup;
}

/**
 * Binds the rules to a header once: one bound rule per number a `%` rule's `when` column
 * has. `index(column)` is the column's position, -1 when the file lacks it.
 */
export function bindRules(index: (column: string) => number, numbers: (group: TemplateGroup) => readonly number[]): BoundRule[] {
  return TEMPLATE_RULES.flatMap((rule) => {
    const group = TEMPLATE_FIELDS_BY_NAME.get(rule.when.replace(/_%$/, ''))?.group;
    const ns: readonly (number | undefined)[] = rule.when.endsWith('_%') && group ? numbers(group) : [undefined];
    return ns.flatMap((n) => {
      const when = n === undefined ? rule.when : rule.when.replace('%', String(n));
      const require = n === undefined ? rule.require : rule.require.replace('%', String(n));
      const whenIndex = index(when);
      if (whenIndex < 0) return [];
      const bound: BoundRule = { when, require, whenIndex, requireIndex: index(require) };
      if (rule.whenValueIn) bound.whenValueIn = rule.whenValueIn;
      if (group === 'billingAddress' || group === 'shippingAddress') bound.group = group;
      return [bound];
    });
  });
}

/** One rule a row breaks: the column that lacks a value, and why it needs one. */
export interface RuleViolation {
  field: string;
  reason: string;
}

/**
 * The bound rules a row breaks. `value(index)` is the row's trimmed value at a position
 * ('' for -1); rules of `skippedGroups` (the other address type's columns) are skipped.
 */
export function ruleViolations(
  rules: readonly BoundRule[],
  value: (index: number) => string,
  skippedGroups: readonly TemplateGroup[] = [],
): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const rule of rules) {
    if (rule.group !== undefined && skippedGroups.includes(rule.group)) continue;
    const given = value(rule.whenIndex);
    if (given === '' || value(rule.requireIndex) !== '') continue;
    if (rule.whenValueIn && !rule.whenValueIn.has(given.toUpperCase())) continue;
    violations.push({ field: rule.require, reason: `${rule.require} is required when ${rule.when} ${rule.whenValueIn ? `is ${given}` : 'is given'}` });
  }
  return violations;
}
