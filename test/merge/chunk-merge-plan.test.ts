import { describe, expect, it } from 'vitest';
import type { CustomerRecord } from '../../src/domain/customer-record.js';
import type { FlowStepPlan } from '../../src/domain/run-types.js';
import {
  contentHash,
  mergeCustomer,
  planChunkMerge,
  type ChunkMergeInput,
  type StagedFragment,
  type StoredCustomerState,
} from '../../src/merge/index.js';

const STEPS: FlowStepPlan[] = [
  { role: 'source', connector: 'erp', aspects: ['name', 'addresses'] },
  { role: 'enrichment', connector: 'crm', aspects: ['customerContactDetails'], matchBy: 'sourceId' },
];

const fragment = (stepIndex: number, externalId: string, fields: Omit<Partial<CustomerRecord>, 'externalId'>): StagedFragment => ({
  stepIndex,
  externalId,
  record: { externalId, ...fields },
});

const acme = (city: string) => fragment(0, 'C1', { type: 'COMPANY', name: { companyName: 'Acme' }, addresses: [{ code: 'B1', type: 'billing', city }] });

function stored(id: string, fragments: StagedFragment[], runId = 'r0'): StoredCustomerState {
  const merged = mergeCustomer(undefined, [{ connector: 'erp', aspects: STEPS[0]!.aspects, record: fragments[0]!.record }], runId);
  return { id, merged, contentHash: contentHash(merged), sourceConnector: 'erp', sourceId: fragments[0]!.externalId, createdRunId: runId };
}

function input(staged: Record<string, StagedFragment[]>, current: StoredCustomerState[] = [], extra: Partial<ChunkMergeInput> = {}): ChunkMergeInput {
  return {
    runId: 'r1',
    steps: STEPS,
    sourceConnector: 'erp',
    customerIds: Object.keys(staged),
    staged: new Map(Object.entries(staged)),
    current: new Map(current.map((c) => [c.id, c])),
    knownExternalIds: new Set(current.map((c) => `erp\u0000${c.sourceId}`)),
    inputHashes: new Map(Object.keys(staged).map((id) => [id, `hash-${id}`])),
    ...extra,
  };
}

describe('planChunkMerge', () => {
  it('creates a new customer with its external ids, its input hash and no field diff', () => {
    const plan = planChunkMerge(input({ a: [acme('Oslo'), fragment(1, 'C1', { customerContactDetails: [{ kind: 'EMAIL', value: 'a@acme.test' }] })] }));
    expect(plan.totals).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 0 });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ change: 'created', id: 'a', sourceConnector: 'erp', sourceId: 'C1', inputHash: 'hash-a', createdRunId: 'r1', diff: [] });
    expect(plan.changes[0]!.mergedFromHash).toBeUndefined();
    expect(plan.changes[0]!.merged.items.customerContactDetails.map((d) => d.value.value)).toEqual(['a@acme.test']);
    expect(JSON.parse(plan.changes[0]!.mergedJson)).toEqual(plan.changes[0]!.merged);
    expect(plan.changes[0]!.contentHash).toBe(contentHash(plan.changes[0]!.merged));
    expect(plan.externalIds).toEqual([
      { connector: 'erp', externalId: 'C1', customerId: 'a' },
      { connector: 'crm', externalId: 'C1', customerId: 'a' },
    ]);
    expect(plan.previews).toEqual([]);
  });

  it('updates a stored customer with a field diff and the hash it merged from; the same content is unchanged', () => {
    const before = stored('a', [acme('Oslo')]);
    const moved = planChunkMerge(input({ a: [acme('Bergen')] }, [before], { previews: true }));
    expect(moved.totals).toMatchObject({ updated: 1, unchanged: 0 });
    expect(moved.changes[0]).toMatchObject({ change: 'updated', id: 'a', mergedFromHash: before.contentHash, createdRunId: 'r0' });
    expect(moved.changes[0]!.diff.length).toBeGreaterThan(0);
    expect(moved.externalIds).toEqual([]);
    expect(moved.previews).toEqual([{ customerId: 'a', sourceId: 'C1', change: 'update', diff: moved.changes[0]!.diff }]);

    const same = planChunkMerge(input({ a: [acme('Oslo')] }, [before]));
    expect(same.totals).toMatchObject({ updated: 0, unchanged: 1 });
    expect(same.changes).toEqual([]);
  });

  it('updates a customer created meanwhile under its own id', () => {
    const other = stored('existing-id', [acme('Oslo')]);
    const plan = planChunkMerge(input({ matched: [acme('Bergen')] }, [], { current: new Map([['matched', other]]) }));
    expect(plan.changes.map((c) => [c.change, c.id])).toEqual([['updated', 'existing-id']]);
  });

  it('rejects a source id given as a person and a company, and merges nothing of it', () => {
    const plan = planChunkMerge(
      input({ a: [acme('Oslo'), fragment(0, 'C1', { type: 'PERSON', name: { firstName: 'Ann', lastName: 'Lee' } })], b: [fragment(0, 'C2', { type: 'PERSON', name: { firstName: 'Bo', lastName: 'Ek' } })] }),
    );
    expect(plan.totals).toMatchObject({ created: 1, rejected: 1 });
    expect(plan.rejects.map((r) => [r.stepIndex, r.externalId, r.field])).toEqual([[0, 'C1', 'type']]);
    expect(plan.rejects[0]!.reason).toMatch(/both as COMPANY and as PERSON/);
    expect(plan.changes.map((c) => c.sourceId)).toEqual(['C2']);
  });

  it('rejects an enrichment that contradicts the customer and still merges the source', () => {
    const plan = planChunkMerge(input({ a: [acme('Oslo'), fragment(1, 'C1', { type: 'PERSON' })] }));
    expect(plan.totals).toMatchObject({ created: 1, rejected: 1 });
    expect(plan.rejects[0]).toMatchObject({ stepIndex: 1, externalId: 'C1', field: 'type' });
    expect(plan.externalIds.map((e) => e.connector)).toEqual(['erp']);
  });

  it('leaves an enrichment for no customer alone, and rejects a customer the database refused', () => {
    const plan = planChunkMerge(
      input({ lone: [fragment(1, 'X9', { customerContactDetails: [{ kind: 'EMAIL', value: 'x@x.test' }] })], a: [acme('Oslo')] }, [], {
        refused: new Map([['a', 'value too long']]),
      }),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.rejects).toEqual([{ stepIndex: 0, externalId: 'C1', field: null, reason: 'value too long' }]);
    expect(plan.totals).toEqual({ created: 0, updated: 0, unchanged: 0, rejected: 1 });
  });

  it('holds a new customer for review instead of creating it, with a preview when asked', () => {
    const plan = planChunkMerge(input({ a: [acme('Oslo')] }, [], { holdNew: true, previews: true }));
    expect(plan.totals).toMatchObject({ created: 0, held: 1 });
    expect(plan.changes).toEqual([]);
    expect(plan.held).toEqual([expect.objectContaining({ sourceId: 'C1', inputHash: 'hash-a' })]);
    expect(plan.previews.map((p) => p.change)).toEqual(['hold']);
  });

  it('names each external id once even when two customers of the chunk bring it', () => {
    const plan = planChunkMerge(input({ a: [acme('Oslo'), fragment(1, 'K', {})], b: [fragment(0, 'C2', { type: 'PERSON' }), fragment(1, 'K', {})] }));
    expect(plan.externalIds.filter((e) => e.connector === 'crm')).toEqual([{ connector: 'crm', externalId: 'K', customerId: 'a' }]);
  });
});
