import type { CustomerRecord } from '../domain/customer-record.js';
import type { FlowStepPlan, RunTotals } from '../domain/run-types.js';
import type { SurvivorshipRules } from '../domain/survivorship.js';
import { combineFragments } from './combine-fragments.js';
import { canonicalJson, contentHash, hashOfCanonicalJson, valuesHash } from './content-hash.js';
import { diffCustomers, type CustomerDiff } from './diff-customers.js';
import { MergeConflictError } from './merge-conflict-error.js';
import { mergeCustomer } from './merge-customer.js';
import type { MergedCustomer, StepContribution } from './merged-customer.js';

/** A customer as stored, as far as merging needs it. */
export interface StoredCustomerState {
  id: string;
  merged: MergedCustomer;
  contentHash: string;
  sourceConnector: string;
  sourceId: string;
  createdRunId: string;
}

/** One staged fragment of a chunk's customer, in step and input order. */
export interface StagedFragment {
  stepIndex: number;
  externalId: string;
  record: CustomerRecord;
}

/** Everything the plan of a chunk is decided from; nothing in it is read while planning. */
export interface ChunkMergeInput {
  runId: string;
  steps: readonly FlowStepPlan[];
  /** The flow's source connector when the source is a connector; absent for `source: current`. */
  sourceConnector?: string;
  /** The chunk's customers to merge (those whose input changed), in order. */
  customerIds: readonly string[];
  /** Their staged fragments, by customer id. */
  staged: ReadonlyMap<string, readonly StagedFragment[]>;
  /** Their stored state, by the id the match gave them (a customer another run created meanwhile under its own id included). */
  current: ReadonlyMap<string, StoredCustomerState>;
  /** `connector\u0000externalId` of the external ids the customers already have. */
  knownExternalIds: ReadonlySet<string>;
  /** Each customer's input hash (what its stored state will have been merged from). */
  inputHashes: ReadonlyMap<string, string>;
  /** Customers whose write the database refused, with the reason: they are rejected and left as they were. */
  refused?: ReadonlyMap<string, string>;
  /** Hold customers that would be created for review instead of creating them. */
  holdNew?: boolean;
  /** Also describe each change as a preview (dry runs). */
  previews?: boolean;
  /** The flow's survivorship rules (see `mergeCustomer`). */
  rules?: SurvivorshipRules;
  /** When the chunk is merged (ISO): the time a changed value is recorded with. */
  now?: string;
}

/** A customer the chunk creates or updates. */
export interface CustomerChange {
  change: 'created' | 'updated';
  /** The id it is written under (a customer created meanwhile keeps its own). */
  id: string;
  merged: MergedCustomer;
  sourceConnector: string;
  sourceId: string;
  contentHash: string;
  /** The merged customer's canonical JSON, which `contentHash` is the hash of. */
  mergedJson: string;
  inputHash: string;
  createdRunId: string;
  /** Updates: the content hash the update was merged from (the write is refused if it is no longer so). */
  mergedFromHash?: string;
  /** Updates: what changed, field by field; created customers carry none. */
  diff: CustomerDiff[];
}

/** A new customer held for the data team's review. */
export interface HeldNewCustomer {
  sourceId: string;
  merged: MergedCustomer;
  contentHash: string;
  valuesHash: string;
  inputHash: string;
}

/** A staged record the chunk rejects, with the reason. */
export interface ChunkReject {
  stepIndex: number;
  externalId: string;
  field: string | null;
  reason: string;
}

/** What a dry run would write for one customer. */
export interface ChunkPreview {
  customerId: string;
  sourceId: string;
  change: 'create' | 'update' | 'hold';
  diff: CustomerDiff[];
}

/** The chunk's writes and outcome, decided without a database. */
export interface ChunkMergePlan {
  changes: CustomerChange[];
  /** External ids the written customers gain. */
  externalIds: { connector: string; externalId: string; customerId: string }[];
  held: HeldNewCustomer[];
  rejects: ChunkReject[];
  previews: ChunkPreview[];
  /** Counts of the customers planned (`customers` is the caller's: the whole chunk). */
  totals: Omit<RunTotals, 'customers'>;
}

/**
 * Plans the merge of one chunk: each customer's staged fragments combined per step and merged
 * into its stored state. A record that cannot merge (a type conflict in a step, an enrichment
 * contradicting the customer) is rejected and the rest of the customer still merges; a customer
 * whose content would not change is unchanged and writes nothing; a new customer is held for
 * review when asked to.
 */
export function planChunkMerge(input: ChunkMergeInput): ChunkMergePlan {
  const plan: ChunkMergePlan = {
    changes: [],
    externalIds: [],
    held: [],
    rejects: [],
    previews: [],
    totals: { created: 0, updated: 0, unchanged: 0, rejected: 0 },
  };
  const known = new Set(input.knownExternalIds);
  for (const id of input.customerIds) planCustomer(input, plan, known, id);
  return plan;
}

function reject(plan: ChunkMergePlan, r: ChunkReject): void {
  plan.totals.rejected++;
  plan.rejects.push(r);
}

function planCustomer(input: ChunkMergeInput, plan: ChunkMergePlan, known: Set<string>, id: string): void {
  const { steps, sourceConnector, runId } = input;
  let fragments = input.staged.get(id) ?? [];
  const existing = input.current.get(id);
  const refusal = input.refused?.get(id);
  if (refusal) {
    const externalId = fragments.find((f) => f.stepIndex === 0)?.externalId ?? existing?.sourceId ?? fragments[0]?.externalId ?? id;
    reject(plan, { stepIndex: 0, externalId, field: null, reason: refusal });
    return;
  }

  let sourceConflict = false;
  const contributions: StepContribution[] = steps.map((step, index) => {
    const records = fragments.filter((f) => f.stepIndex === index).map((f) => f.record);
    let record: CustomerRecord | undefined;
    try {
      record = records.length > 0 ? combineFragments(records) : undefined;
    } catch (error) {
      if (!(error instanceof MergeConflictError)) throw error;
      // One id as a person and a company in one step: rejected, never merged.
      reject(plan, { stepIndex: index, externalId: error.externalId, field: error.field, reason: error.message });
      if (index === 0 && sourceConnector) sourceConflict = true;
      fragments = fragments.filter((f) => f.stepIndex !== index);
    }
    return { connector: step.connector, aspects: step.aspects, record };
  });
  if (sourceConflict) return;
  const sourceRecord = sourceConnector ? contributions[0]!.record : undefined;
  if (!existing && !sourceRecord) return;

  let merged: MergedCustomer | undefined;
  while (!merged) {
    try {
      merged = mergeCustomer(existing?.merged, contributions, runId, { ...(input.rules ? { rules: input.rules } : {}), ...(input.now ? { now: input.now } : {}) });
    } catch (error) {
      if (!(error instanceof MergeConflictError)) throw error;
      // An enrichment record that contradicts the customer is rejected; the rest still merges.
      const culprit = contributions.findIndex((c, i) => c.record && c.connector === error.connector && steps[i]!.role === 'enrichment');
      const fragment = fragments.find((f) => f.stepIndex === (culprit >= 0 ? culprit : 0)) ?? fragments[0]!;
      reject(plan, { stepIndex: fragment.stepIndex, externalId: fragment.externalId, field: error.field, reason: error.message });
      if (culprit < 0) return;
      contributions[culprit] = { ...contributions[culprit]!, record: undefined };
      fragments = fragments.filter((f) => f.stepIndex !== culprit);
    }
  }
  const inputHash = input.inputHashes.get(id)!;

  if (!existing && input.holdNew) {
    plan.totals.held = (plan.totals.held ?? 0) + 1;
    const sourceId = sourceRecord!.externalId;
    plan.held.push({ sourceId, merged, contentHash: contentHash(merged), valuesHash: valuesHash(merged), inputHash });
    if (input.previews) plan.previews.push({ customerId: id, sourceId, change: 'hold', diff: diffCustomers(undefined, merged) });
    return;
  }

  const target = existing?.id ?? id;
  for (const fragment of fragments) {
    const connector = steps[fragment.stepIndex]!.connector;
    const key = `${connector}\u0000${fragment.externalId}`;
    if (!known.has(key)) {
      known.add(key);
      plan.externalIds.push({ connector, externalId: fragment.externalId, customerId: target });
    }
  }

  const mergedJson = canonicalJson(merged);
  const hash = hashOfCanonicalJson(mergedJson);
  if (existing && existing.contentHash === hash) {
    plan.totals.unchanged++;
    return;
  }
  if (existing) plan.totals.updated++;
  else plan.totals.created++;
  const sourceId = existing?.sourceId ?? sourceRecord!.externalId;
  const diff = existing ? diffCustomers(existing.merged, merged) : [];
  plan.changes.push({
    change: existing ? 'updated' : 'created',
    id: target,
    merged,
    sourceConnector: existing?.sourceConnector ?? sourceConnector!,
    sourceId,
    contentHash: hash,
    mergedJson,
    inputHash,
    createdRunId: existing?.createdRunId ?? runId,
    ...(existing ? { mergedFromHash: existing.contentHash } : {}),
    diff,
  });
  if (input.previews) {
    plan.previews.push({ customerId: target, sourceId, change: existing ? 'update' : 'create', diff: existing ? diff : diffCustomers(undefined, merged) });
  }
}
