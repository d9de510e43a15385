import { z } from 'zod';
import { RULE_FIELD, type FieldRule, type SurvivorshipRules } from '../domain/survivorship.js';

const connectorName = z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, 'a connector name');

/**
 * One field's rule: `latest`, `mostRecent`, `mostFrequent` or `union` (lists), or
 * `{ priority: [erp, crm] }`, any with `ignoreEmpty: true`.
 */
const fieldRuleSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { rule: value } : value),
  z
    .strictObject({
      rule: z.enum(['latest', 'mostRecent', 'mostFrequent', 'priority', 'union']).optional(),
      /** Connectors, the first the strongest (implies `rule: priority`). */
      priority: z.array(connectorName).min(1).optional(),
      /** An empty value never wins over one that has something; default false. */
      ignoreEmpty: z.boolean().optional(),
    })
    .refine((r) => (r.priority === undefined ? r.rule !== 'priority' : r.rule === undefined || r.rule === 'priority'), {
      message: 'priority names the connectors of rule priority: give "priority: [connector, …]" (and no other rule)',
    })
    .transform((r): FieldRule => ({
      rule: r.priority ? 'priority' : (r.rule ?? 'latest'),
      ...(r.priority ? { connectors: r.priority } : {}),
      ...(r.ignoreEmpty ? { ignoreEmpty: true } : {}),
    })),
);

/**
 * Which connector's value a customer keeps, by field (docs/survivorship.md): `name`,
 * `relations`, `customerAttributes`, or `customerAttributes.<key>`. Fields without a rule keep
 * the latest step's value.
 */
export const survivorshipSchema = z
  .record(z.string(), fieldRuleSchema)
  .superRefine((rules, ctx) => {
    for (const [field, rule] of Object.entries(rules)) {
      if (!RULE_FIELD.test(field)) ctx.addIssue({ code: 'custom', path: [field], message: 'a field with a rule: name, relations, customerAttributes[.<key>] or customerContactDetails[.<kind>]' });
      else if (rule.rule === 'union' && (field === 'name' || field === 'relations' || field.startsWith('customerAttributes.'))) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'union keeps every connector\'s items: a rule for customerAttributes or customerContactDetails[.<kind>], not for one value' });
      }
    }
  })
  .transform((rules): SurvivorshipRules => rules);
