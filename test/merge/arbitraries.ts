import fc from 'fast-check';
import {
  ASPECTS,
  type Address,
  type AddressAttribute,
  type AddressContactDetail,
  type Attachment,
  type Attribute,
  type AttributeValue,
  type ContactDetail,
  type ContactPerson,
  type ContactPersonAttribute,
  type ContactPersonContactDetail,
  type CustomerName,
  type CustomerRecord,
  type Relation,
} from '../../src/domain/customer-record.js';
import type { StepContribution } from '../../src/merge/index.js';

/** Small value domains so that item identities collide across steps and runs. */
export const CONNECTORS = ['src', 'crm', 'pim'] as const;

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 3 });

export const nameArb: fc.Arbitrary<CustomerName> = fc.record(
  {
    firstName: maybe(fc.constantFrom('Ann', 'Bob')),
    lastName: maybe(fc.constantFrom('Lee', '')),
    displayName: maybe(fc.constantFrom('Ann Lee', 'AL')),
    companyName: fc.constantFrom('Acme', 'Globex'),
  },
  { requiredKeys: ['companyName'] },
);

export const relationArb: fc.Arbitrary<Relation> = fc.record(
  {
    parentExternalId: maybe(fc.constantFrom('P1', 'P2')),
    relationType: fc.constantFrom('Parent' as const, 'SubDepartment' as const),
  },
  { requiredKeys: [] },
);

export const contactPersonArb: fc.Arbitrary<ContactPerson> = fc.record(
  {
    id: maybe(fc.constantFrom('p1', 'p2')),
    email: fc.constantFrom('ann@x.io', ' ANN@x.io ', 'bob@x.io'),
    firstName: maybe(fc.constantFrom('Ann', 'Bob')),
    phone: fc.constantFrom('+1 555 0100', '5550100'),
  },
  { requiredKeys: ['id'] },
);

export const addressArb: fc.Arbitrary<Address> = fc.record(
  {
    code: fc.constantFrom('B1', 'S1'),
    type: fc.constantFrom('billing' as const, 'shipping' as const),
    line1: fc.constantFrom('Main St 1', 'main  st 1'),
    city: maybe(fc.constantFrom('Oslo', 'Rome')),
    name: fc.constantFrom('HQ', ''),
  },
  { requiredKeys: ['type', 'city'] },
);

const attributeValueArb: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.constantFrom('A', 'B', ''),
  fc.integer({ min: 0, max: 2 }),
  fc.boolean(),
  fc.array(fc.constantFrom('x', 'y'), { maxLength: 2 }),
);

export const attributeArb: fc.Arbitrary<Attribute> = fc.record({
  key: fc.constantFrom('vat', 'group', 'discount'),
  value: attributeValueArb,
});

export const addressAttributeArb: fc.Arbitrary<AddressAttribute> = fc.record({
  addressKey: fc.constantFrom('code:B1', 'code:S1'),
  key: fc.constantFrom('dock', 'hours'),
  value: attributeValueArb,
});

export const contactPersonAttributeArb: fc.Arbitrary<ContactPersonAttribute> = fc.record({
  contactKey: fc.constantFrom('id:p1', 'email:bob@x.io'),
  key: fc.constantFrom('role', 'lang'),
  value: attributeValueArb,
});

export const contactDetailArb: fc.Arbitrary<ContactDetail> = fc.oneof(
  fc.record({ kind: fc.constant('email'), value: fc.constantFrom('info@x.io', 'INFO@x.io ', 'sales@x.io') }),
  fc.record({ kind: fc.constant('phone'), value: fc.constantFrom('+47 22 00', '+472200', '2200') }),
  fc.record({ kind: fc.constant('website'), value: fc.constantFrom('x.io', 'X.io') }),
);

export const addressContactDetailArb: fc.Arbitrary<AddressContactDetail> = fc
  .tuple(fc.constantFrom('code:B1', 'code:S1'), contactDetailArb)
  .map(([addressKey, detail]) => ({ addressKey, ...detail }));

export const contactPersonContactDetailArb: fc.Arbitrary<ContactPersonContactDetail> = fc
  .tuple(fc.constantFrom('id:p1', 'id:p2'), contactDetailArb)
  .map(([contactKey, detail]) => ({ contactKey, ...detail }));

export const attachmentArb: fc.Arbitrary<Attachment> = fc.record(
  {
    name: fc.constantFrom('terms.pdf', 'logo.png'),
    checksum: fc.constantFrom('c1', 'c2'),
    contentType: fc.constantFrom('application/pdf', 'image/png'),
    url: maybe(fc.constantFrom('https://x.io/1', 'https://x.io/2')),
  },
  { requiredKeys: ['url'] },
);

const list = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(arb, { maxLength: 4 });

/** A record for customer C1; `type` is COMPANY when present, so merges never conflict. */
export const recordArb: fc.Arbitrary<CustomerRecord> = fc.record(
  {
    externalId: fc.constant('C1'),
    type: fc.constant('COMPANY' as const),
    name: nameArb,
    relations: relationArb,
    contactPersons: list(contactPersonArb),
    addresses: list(addressArb),
    customerAttributes: list(attributeArb),
    addressAttributes: list(addressAttributeArb),
    contactPersonAttributes: list(contactPersonAttributeArb),
    customerContactDetails: list(contactDetailArb),
    addressContactDetails: list(addressContactDetailArb),
    contactPersonContactDetails: list(contactPersonContactDetailArb),
    attachments: list(attachmentArb),
  },
  { requiredKeys: ['externalId'] },
);

export const contributionArb: fc.Arbitrary<StepContribution> = fc.record(
  {
    connector: fc.constantFrom(...CONNECTORS),
    aspects: fc.subarray([...ASPECTS]),
    record: recordArb,
  },
  { requiredKeys: ['connector', 'aspects'] },
);

/** A flow's contributions: a source step that reports the customer with its type, then enrichment steps. */
export const flowArb: fc.Arbitrary<StepContribution[]> = fc
  .tuple(
    fc.subarray([...ASPECTS]),
    recordArb,
    fc.array(contributionArb, { maxLength: 3 }),
  )
  .map(([aspects, record, enrichments]) => [
    { connector: 'src', aspects, record: { ...record, type: 'COMPANY' as const } },
    ...enrichments,
  ]);

/** A deterministic pseudo-random generator (mulberry32) for seeded permutations. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher–Yates permutation of a list. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

/** A deep copy of a JSON-like value whose object keys are inserted in a seeded random order. */
export function permuteKeys<T>(value: T, random: () => number): T {
  if (Array.isArray(value)) return value.map((entry: unknown) => permuteKeys(entry, random)) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = shuffle(Object.entries(value), random);
  return Object.fromEntries(entries.map(([key, entry]) => [key, permuteKeys(entry, random)])) as T;
}
