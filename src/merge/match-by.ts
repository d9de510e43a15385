import type { CustomerRecord } from '../domain/customer-record.js';
import type { MatchBy, MatchLookup } from '../domain/match-by.js';
import { normalizeEmail } from './item-key.js';

/** One way of matching: its key in a record, where that key is looked up, and what the README says of it. */
export interface Matcher {
  /** As written in a config; `attribute:<key>` for the attribute matcher. */
  name: string;
  describes: string;
  keyOf(record: CustomerRecord): string | undefined;
  lookup: MatchLookup;
}

function attributeText(record: CustomerRecord, key: string): string | undefined {
  const value = record.customerAttributes?.find((a) => a.key === key)?.value;
  return value === undefined || Array.isArray(value) ? undefined : String(value);
}

const ATTRIBUTE_PREFIX = 'attribute:';

/** Every matcher, in the order the README lists them. */
export const MATCHERS: readonly Matcher[] = [
  {
    name: 'sourceId',
    describes: "the record's external id is the customer's source id (the default)",
    keyOf: (r) => r.externalId,
    lookup: { type: 'source-id' },
  },
  {
    name: 'externalId',
    describes: "the record's external id is one the customer already has at the step's connector",
    keyOf: (r) => r.externalId,
    lookup: { type: 'external-id' },
  },
  {
    name: 'email',
    describes: "the record's first email (normalized) is the email of exactly one customer",
    keyOf: (r) => {
      const email = r.customerContactDetails?.find((d) => d.kind === 'email')?.value;
      return email ? normalizeEmail(email) : undefined;
    },
    lookup: { type: 'contact-detail', kind: 'email' },
  },
  {
    name: 'vatNumber',
    describes: "the record's `vatNumber` attribute is that of exactly one customer",
    keyOf: (r) => attributeText(r, 'vatNumber'),
    lookup: { type: 'attribute', key: 'vatNumber' },
  },
  {
    name: `${ATTRIBUTE_PREFIX}<key>`,
    describes: "the record's attribute `<key>` is that of exactly one customer",
    keyOf: () => undefined,
    lookup: { type: 'attribute', key: '<key>' },
  },
];

/** The matcher a `matchBy` names (an `attribute:<key>` one bound to its key). */
export function matcherOf(matchBy: MatchBy): Matcher {
  if (matchBy.startsWith(ATTRIBUTE_PREFIX)) {
    const key = matchBy.slice(ATTRIBUTE_PREFIX.length);
    return { name: matchBy, describes: `the record's attribute \`${key}\``, keyOf: (r) => attributeText(r, key), lookup: { type: 'attribute', key } };
  }
  const matcher = MATCHERS.find((m) => m.name === matchBy);
  if (!matcher) throw new Error(`no matcher ${matchBy}`);
  return matcher;
}

/** Whether a config's `matchBy` names a matcher. */
export function isMatchBy(value: string): value is MatchBy {
  return value.startsWith(ATTRIBUTE_PREFIX) ? value.length > ATTRIBUTE_PREFIX.length : MATCHERS.some((m) => m.name === value);
}

/** The names a config may use, for messages. */
export const MATCH_BY_NAMES = MATCHERS.map((m) => m.name);

export type { MatchBy, MatchLookup };
