import type { ConnectorInput } from '../connectors/connector.js';
import type { Aspect, RejectedRecord } from '../domain/customer-record.js';

export type RunTrigger = 'cli' | 'schedule' | 'replay' | 'order-event' | 'test' | 'bench' | 'demo';

/** One step of a flow as a run executes it. */
export interface FlowStepPlan {
  role: 'source' | 'enrichment';
  connector: string;
  aspects: Aspect[];
  /** Enrichment only: how records are matched to customers (`sourceId`, `externalId`, `email`, `vatNumber`, `attribute:<key>`). */
  matchBy?: string;
}

/** The one input of `customerSyncWorkflow`. */
export interface CustomerSyncInput {
  flow: string;
  trigger: RunTrigger;
  /** `connector`: steps[0] is the source of truth; `current`: the database is the base. */
  source: 'connector' | 'current';
  steps: FlowStepPlan[];
  mode: 'full' | 'delta';
  /** Customers merged per chunk activity. */
  chunkSize: number;
  /** Records staged per page. */
  pageSize: number;
  /** Chunks merged in one execution before the run continues as new; default 400. */
  chunksPerExecution?: number;
  /** Source inputs (file names) to read instead of the next unprocessed one; they are read even if processed before. */
  inputs?: string[];
  /** Set when the run continues as a new execution. */
  resume?: ResumeState;
}

export interface ResumeState {
  steps: StepStats[];
  consumed: ConsumedInput[];
  totals: RunTotals;
  /** Sequential merge (runs started before merge plans): where to go on. */
  afterCustomerId: string;
  /** Planned merge: the next chunk of the plan to merge. */
  chunkIndex?: number;
  chunksDone: number;
  startedAt: number;
}

/** An input read by the run, recorded as processed when the run completes. */
export interface ConsumedInput {
  connector: string;
  input: ConnectorInput;
}

export interface StepStats {
  role: 'source' | 'enrichment';
  connector: string;
  inputs: string[];
  read: number;
  staged: number;
  matched: number;
  unmatched: number;
  rejected: number;
}

export interface RunTotals {
  customers: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export type RunPhase = 'starting' | 'staging' | 'matching' | 'merging' | 'finishing' | 'completed' | 'failed';

/** Answer of the `progress` query. */
export interface RunProgress {
  runId: string;
  flow: string;
  phase: RunPhase;
  currentStep?: number;
  steps: StepStats[];
  totals: RunTotals;
  chunksDone: number;
  customersToMerge: number;
}

export interface RunReport {
  runId: string;
  flow: string;
  status: 'completed' | 'failed';
  mode: 'full' | 'delta';
  steps: StepStats[];
  totals: RunTotals;
  /** The first rejected records (all are in the database). */
  rejectedSample: RejectedRecord[];
  durationMs: number;
  error?: string;
}

export const emptyTotals = (): RunTotals => ({ customers: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 });
