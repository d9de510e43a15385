import { STATE_REQUIRED_COUNTRIES } from './template-fields.js';

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

/** One rule applied to one row: the column that lacks a value, and why it needs one. */
export interface RuleViolation {
  field: string;
  reason: string;
}

/**
 * The rules a row breaks. `value(column)` is the row's trimmed value of a column ('' when
 * absent); `numbers(column)` the numbers a `%` column has in the header; `applies(column)`
 * whether the column counts for this row (a billing row ignores shipping columns).
 */
export function ruleViolations(
  value: (column: string) => string,
  numbers: (column: string) => readonly number[],
  applies: (column: string) => boolean,
): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const rule of TEMPLATE_RULES) {
    const ns: readonly (number | undefined)[] = rule.when.endsWith('_%') ? numbers(rule.when) : [undefined];
    for (const n of ns) {
      const when = n === undefined ? rule.when : rule.when.replace('%', String(n));
      const require = n === undefined ? rule.require : rule.require.replace('%', String(n));
      if (!applies(when)) continue;
      const given = value(when);
      if (given === '' || value(require) !== '') continue;
      if (rule.whenValueIn && !rule.whenValueIn.has(given.toUpperCase())) continue;
      violations.push({ field: require, reason: `${require} is required when ${when} ${rule.whenValueIn ? `is ${given}` : 'is given'}` });
    }
  }
  return violations;
}
