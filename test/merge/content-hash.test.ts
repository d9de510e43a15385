import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, mergeCustomer, sameValue, type MergedCustomer } from '../../src/merge/index.js';
import { flowArb, permuteKeys, seededRandom } from './arbitraries.js';

const customer: MergedCustomer = {
  type: 'PERSON',
  name: { value: { lastName: 'Lee', firstName: 'Ann' }, provenance: { runId: 'r1', connector: 'src' } },
  items: {
    contactPersons: [],
    addresses: [],
    customerAttributes: [{ key: 'vat', value: { key: 'vat', value: 'NO1' }, provenance: { connector: 'src', runId: 'r1' }, suppliedBy: ['src'] }],
    addressAttributes: [],
    contactPersonAttributes: [],
    customerContactDetails: [],
    addressContactDetails: [],
    contactPersonContactDetails: [],
    attachments: [],
  },
};

describe('canonicalJson', () => {
  it('sorts object keys recursively, keeps array order and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }, 2], e: '' })).toBe('{"a":[{"c":"x"},2],"b":1,"e":""}');
  });

  it('orders keys by code unit, not locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3 })).toBe('{"B":2,"a":3,"b":1}');
  });

  it('writes undefined array entries as null, like JSON', () => {
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });
});

describe('contentHash', () => {
  it('is the sha256 hex of the canonical JSON', () => {
    const expected = createHash('sha256').update(canonicalJson(customer)).digest('hex');
    expect(contentHash(customer)).toBe(expected);
    expect(contentHash(customer)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key insertion order', () => {
    expect(contentHash(permuteKeys(customer, seededRandom(7)))).toBe(contentHash(customer));
  });

  it('changes when a value changes', () => {
    const renamed: MergedCustomer = { ...customer, name: { ...customer.name!, value: { firstName: 'Anne', lastName: 'Lee' } } };
    expect(contentHash(renamed)).not.toBe(contentHash(customer));
  });
});

describe('canonical JSON and content hash properties', () => {
  it('canonical JSON parses to the value JSON.stringify would give and ignores key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(permuteKeys(value, seededRandom(seed)))).toBe(text);
      }),
    );
  });

  it('content hashes are equal exactly when canonical JSON is equal', () => {
    const customerArb = fc
      .tuple(flowArb, fc.constantFrom('r1', 'r2'))
      .map(([flow, runId]) => mergeCustomer(undefined, flow, runId));
    const pairArb = fc.oneof(
      fc.tuple(customerArb, customerArb),
      fc.tuple(customerArb, fc.integer()).map(([c, seed]) => [c, permuteKeys(c, seededRandom(seed))] as const),
    );
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        expect(contentHash(a) === contentHash(b)).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 300 },
    );
  });

  it('two values are the same value exactly when their canonical JSON is equal', () => {
    const valueArb = fc.oneof(fc.jsonValue(), fc.anything({ withNullPrototype: false, withBoxedValues: false, withMap: false, withSet: false, withTypedArray: false }));
    const pairArb = fc.oneof(
      fc.tuple(valueArb, valueArb),
      fc.tuple(fc.jsonValue(), fc.integer()).map(([v, seed]) => [v, permuteKeys(v, seededRandom(seed))] as const),
      fc.tuple(fc.jsonValue(), fc.jsonValue()).map(([v, w]) => [{ a: v, b: undefined }, { a: v, c: w }] as const),
      fc.constantFrom<[unknown, unknown]>([[undefined], [null]], [{ a: undefined }, {}], [Number.NaN, null], [0, -0], ['1', 1], [[], {}], [{ a: 1 }, { a: 1, b: 2 }]),
    );
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        expect(sameValue(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 1000 },
    );
  });

  it("a merged customer's values and items are built in canonical key order (their JSON is their canonical JSON)", () => {
    const customerArb = fc.tuple(flowArb, fc.constantFrom('r1', 'r2')).map(([flow, runId]) => mergeCustomer(undefined, flow, runId));
    fc.assert(
      fc.property(customerArb, (c) => {
        if (c.name) expect(JSON.stringify(c.name)).toBe(canonicalJson(c.name));
        for (const items of Object.values(c.items)) expect(JSON.stringify(items)).toBe(canonicalJson(items));
      }),
      { numRuns: 200 },
    );
  });
});
