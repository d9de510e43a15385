import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LATEST_CONNECTOR_ASPECTS,
  MULTIPLE_ASPECTS,
  type Aspect,
  type CustomerRecord,
  type MultipleAspect,
} from '../../src/domain/customer-record.js';
import {
  canonicalJson,
  contentHash,
  itemKey,
  mergeCustomer,
  type MergedCustomer,
  type MergedItem,
  type StepContribution,
} from '../../src/merge/index.js';
import { CONNECTORS, flowArb, permuteKeys, seededRandom, shuffle } from './arbitraries.js';

const RUNS = { numRuns: 500 };

const currentArb: fc.Arbitrary<MergedCustomer | undefined> = fc.option(
  flowArb.map((flow) => mergeCustomer(undefined, flow, 'r0')),
  { nil: undefined },
);

function supplied(contribution: StepContribution, aspect: Aspect): unknown {
  if (contribution.record === undefined || !contribution.aspects.includes(aspect)) return undefined;
  return contribution.record[aspect];
}

function suppliedItems(contribution: StepContribution, aspect: MultipleAspect): unknown[] | undefined {
  return supplied(contribution, aspect) as unknown[] | undefined;
}

function keyOf(aspect: MultipleAspect, item: unknown): string {
  return itemKey(aspect, item as never);
}

function itemsOf(customer: MergedCustomer, aspect: MultipleAspect): MergedItem<unknown>[] {
  return customer.items[aspect];
}

function mapLists(record: CustomerRecord, map: (aspect: MultipleAspect, list: unknown[]) => unknown[]): CustomerRecord {
  const result: Record<string, unknown> = { ...record };
  for (const aspect of MULTIPLE_ASPECTS) {
    const list = record[aspect] as unknown[] | undefined;
    if (list !== undefined) result[aspect] = map(aspect, list);
  }
  return result as CustomerRecord;
}

function withRecord(contribution: StepContribution, map: (record: CustomerRecord) => CustomerRecord): StepContribution {
  return contribution.record === undefined ? contribution : { ...contribution, record: map(contribution.record) };
}

/** Keeps the last item of each identity, in the order of those last occurrences. */
function dedupeLast(aspect: MultipleAspect, list: unknown[]): unknown[] {
  const keys = list.map((item) => keyOf(aspect, item));
  return list.filter((_, index) => keys.lastIndexOf(keys[index]!) === index);
}

describe('mergeCustomer properties', () => {
  it('latest-connector aspects take the last supplying step in flow order', () => {
    fc.assert(
      fc.property(currentArb, flowArb, (current, flow) => {
        const merged = mergeCustomer(current, flow, 'r1');
        for (const aspect of LATEST_CONNECTOR_ASPECTS) {
          const last = flow.filter((contribution) => supplied(contribution, aspect) !== undefined).at(-1);
          const stored = current?.[aspect];
          if (last === undefined) {
            expect(merged[aspect]).toEqual(stored);
            continue;
          }
          expect(merged[aspect]?.value).toEqual(last.record![aspect]);
          const unchanged =
            stored !== undefined &&
            stored.provenance.connector === last.connector &&
            canonicalJson(stored.value) === canonicalJson(last.record![aspect]);
          expect(merged[aspect]?.provenance).toEqual(unchanged ? stored.provenance : { connector: last.connector, runId: 'r1' });
        }
      }),
      RUNS,
    );
  });

  it('multiple aspects store the last supplied value of each item and every connector that supplied it', () => {
    fc.assert(
      fc.property(currentArb, flowArb, (current, flow) => {
        const merged = mergeCustomer(current, flow, 'r1');
        for (const aspect of MULTIPLE_ASPECTS) {
          const expected = new Map<string, { value: unknown; connector: string; suppliers: Set<string> }>();
          for (const contribution of flow) {
            for (const item of suppliedItems(contribution, aspect) ?? []) {
              const key = keyOf(aspect, item);
              const suppliers = expected.get(key)?.suppliers ?? new Set<string>();
              suppliers.add(contribution.connector);
              expected.set(key, { value: item, connector: contribution.connector, suppliers });
            }
          }
          for (const [key, { value, connector, suppliers }] of expected) {
            const item = itemsOf(merged, aspect).find((candidate) => candidate.key === key);
            expect(item?.value).toEqual(value);
            expect(item?.provenance.connector).toBe(connector);
            for (const supplier of suppliers) expect(item?.suppliedBy).toContain(supplier);
          }
        }
      }),
      RUNS,
    );
  });

  it('is idempotent, also in a later run when nothing changed', () => {
    fc.assert(
      fc.property(currentArb, flowArb, (current, flow) => {
        const once = mergeCustomer(current, flow, 'r1');
        const twice = mergeCustomer(once, flow, 'r1');
        const later = mergeCustomer(once, flow, 'r2');
        expect(canonicalJson(twice)).toBe(canonicalJson(once));
        expect(canonicalJson(later)).toBe(canonicalJson(once));
        expect(later).toEqual(once);
      }),
      RUNS,
    );
  });

  it("a connector that supplies fewer items never removes items another connector supplies", () => {
    fc.assert(
      fc.property(flowArb, fc.constantFrom(...CONNECTORS), fc.integer(), fc.boolean(), (flow, dropper, seed, othersSilent) => {
        const before = mergeCustomer(undefined, flow, 'r1');
        const random = seededRandom(seed);
        const next = flow.map((contribution): StepContribution => {
          if (contribution.connector === dropper) {
            return withRecord(contribution, (record) => mapLists(record, (_, list) => list.filter(() => random() < 0.5)));
          }
          return othersSilent ? { connector: contribution.connector, aspects: contribution.aspects } : contribution;
        });
        const after = mergeCustomer(before, next, 'r2');

        for (const aspect of MULTIPLE_ASPECTS) {
          const droppersSupplyAspect = next.some((c) => c.connector === dropper && suppliedItems(c, aspect) !== undefined);
          const stillSupplied = new Set(next.flatMap((c) => (suppliedItems(c, aspect) ?? []).map((item) => keyOf(aspect, item))));
          for (const item of itemsOf(before, aspect)) {
            const others = item.suppliedBy.filter((connector) => connector !== dropper);
            const found = itemsOf(after, aspect).find((candidate) => candidate.key === item.key);
            if (others.length > 0) {
              expect(found).toBeDefined();
              for (const other of others) expect(found?.suppliedBy).toContain(other);
            } else if (droppersSupplyAspect && !stillSupplied.has(item.key)) {
              expect(found).toBeUndefined();
            }
            if (found !== undefined && !stillSupplied.has(item.key)) expect(found.value).toEqual(item.value);
          }
        }
      }),
      RUNS,
    );
  });

  it('is deterministic and independent of item and property order within a step, duplicates aside', () => {
    fc.assert(
      fc.property(currentArb, flowArb, fc.integer(), (current, flow, seed) => {
        const unique = flow.map((contribution) => withRecord(contribution, (record) => mapLists(record, dedupeLast)));
        const random = seededRandom(seed);
        const reordered = unique.map((contribution) =>
          withRecord(contribution, (record) => mapLists(record, (_, list) => permuteKeys(shuffle(list, random), random))),
        );
        const reference = mergeCustomer(current, unique, 'r1');
        expect(contentHash(mergeCustomer(current, unique, 'r1'))).toBe(contentHash(reference));
        expect(contentHash(mergeCustomer(current, reordered, 'r1'))).toBe(contentHash(reference));
        expect(contentHash(mergeCustomer(current, flow, 'r1'))).toBe(contentHash(reference));
        for (const aspect of MULTIPLE_ASPECTS) {
          const keys = itemsOf(reference, aspect).map((item) => item.key);
          expect(keys).toEqual([...new Set(keys)].sort());
          for (const item of itemsOf(reference, aspect)) expect(item.suppliedBy).toEqual([...new Set(item.suppliedBy)].sort());
        }
      }),
      RUNS,
    );
  });
});
