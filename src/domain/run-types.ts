import type { ConnectorInput } from './connector-input.js';
import type { DuplicateKeyKind } from './duplicate-settings.js';
import type { SurvivorshipRules } from './survivorship.js';
import type { Aspect, RejectedRecord } from './customer-record.js';
import type { MatchBy } from './match-by.js';

export type RunTrigger = 'cli' | 'schedule' | 'replay' | 'order-event' | 'test' | 'bench' | 'demo' | 'api';

/** One step of a flow as a run executes it. */
export interface FlowStepPlan {
  role: 'source' | 'enrichment';
  connector: string;
  aspects: Aspect[];
  /** Enrichment only: how records are matched to customers. */
  matchBy?: MatchBy;
}

/** The one input of `customerSyncWorkflow`. */
export interface CustomerSyncInput {
  flow: string;
  trigger: RunTrigger;
  /** `connector`: steps[0] is the source of truth; `current`: the database is the base. */
  source: 'connector' | 'current';
  steps: FlowStepPlan[];
  /** Runs started before inputs were classified one by one carried the flow's mode. */
  mode?: 'full' | 'delta';
  /** Deletion propagation; absent in runs started before it existed. */
  deletion?: DeletionPlan;
  /** Customers merged per chunk activity. */
  chunkSize: number;
  /** Records staged per page. */
  pageSize: number;
  /** Chunks merged in one execution before the run continues as new; default 400. */
  chunksPerExecution?: number;
  /** Chunks merged at the same time; default {@link DEFAULT_MERGE_LANES}. */
  mergeLanes?: number;
  /** The run's activities' heartbeat timeout; default {@link DEFAULT_HEARTBEAT_TIMEOUT_MS}. */
  heartbeatTimeoutMs?: number;
  /** A source input with a larger share of rejected rows fails the run before it is merged. */
  maxRejectedPercent?: number;
  /** Source inputs (file names) to read instead of the next unprocessed one; they are read even if processed before. */
  inputs?: string[];
  /** Instead of listing: the source connector looks these customers up (an order event's customer); never a full snapshot. */
  lookup?: string[];
  /** What the run holds while it runs; default the flow (one run per flow). Order runs hold their customer. */
  lease?: string;
  /** A bulk import: the source reads this CSV file (the documented import layout) instead of its connector. */
  importFile?: ImportFile;
  /** A bulk upsert through the customer API: the source reads these stored records instead of its connector. */
  importUpload?: ImportUpload;
  /** Connectors the customers this run creates or updates are pushed to (the flow's `pushTo`). */
  pushTo?: string[];
  /** Fingerprint of the config the run was planned from; a worker with another config refuses the run. */
  configFingerprint?: string;
  /** Compute and record the changes (previews) without writing any customer, marking or deleting anything. */
  dryRun?: boolean;
  /** Hold new customers for review instead of creating them; updates still apply. */
  reviewNewCustomers?: boolean;
  /** Check the customers the run created or updated for duplicates by these keys (the flow's `duplicates`). */
  duplicates?: { keys: DuplicateKeyKind[]; autoMerge?: boolean };
  /** The flow's survivorship rules by field; absent: the latest step's value wins. */
  survivorship?: SurvivorshipRules;
  /** Set when the run continues as a new execution. */
  resume?: ResumeState;
  /** Times the run began again because PostgreSQL lost its staging (a crash or a failover); its merged chunks are kept. */
  restaged?: number;
}

/** A file `custsync import` reads: where the worker finds it, and its content's checksum. */
/** Records stored by a bulk upsert (`POST /api/v1/customers/bulk`) for its import run. */
export interface ImportUpload {
  id: string;
  /** sha256 of the records as sent. */
  checksum: string;
  records: number;
}

export interface ImportFile {
  path: string;
  checksum: string;
}

/** A flow's deletion policy as a run carries it (SPEC §4). */
export interface DeletionPlan {
  gracePeriodMs: number;
  retentionMs: number;
  /** Percent of the source's customers one run may mark missing without approval. */
  thresholdPercent: number;
  approvalTimeoutMs: number;
}

export interface ResumeState {
  steps: StepStats[];
  consumed: ConsumedInput[];
  totals: RunTotals;
  /** The next chunk of the merge plan to merge. */
  chunkIndex: number;
  chunksDone: number;
  startedAt: number;
  /** Whether the source step read a full snapshot (deletions can follow). */
  sourceFull?: boolean;
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
  /** New customers held for the data team's review instead of created (flows with `reviewNewCustomers`); absent when none. */
  held?: number;
}

export type RunPhase =
  | 'starting'
  | 'staging'
  | 'matching'
  | 'merging'
  | 'checking-deletions'
  | 'awaiting-deletion-approval'
  | 'finding-duplicates'
  | 'finishing'
  | 'completed'
  | 'failed';

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
  /** While the run waits for an operator: how many customers it would mark missing. */
  awaitingApproval?: { candidates: number; sourceCustomers: number; thresholdPercent: number };
}

/** One input of a step as the report shows it. */
export interface InputReport {
  name: string;
  kind: 'full' | 'delta';
  /**
   * `applied`: read and staged; `superseded`: skipped, a later full snapshot in the same run replaces it;
   * `duplicate`: skipped, an earlier input had the same content under another name.
   */
  status: 'applied' | 'superseded' | 'duplicate';
  /** For a duplicate: the earlier input (`name`, or `name (run <id>)` when an earlier run read it). */
  duplicateOf?: string;
  /** What the connector noticed about the input as a whole (e.g. unknown or misspelled header columns). */
  warnings: string[];
  read: number;
  rejected: number;
}

/** What a run did about customers missing from its source's full snapshot. */
export interface DeletionReport {
  /** `marked`: below the threshold, marked at once; `awaiting-approval`, `approved`, `rejected`, `timed-out`. */
  status: string;
  /** Customers missing from the full snapshot. */
  candidates: number;
  /** The source connector's customers they were compared with. */
  sourceCustomers: number;
  markedMissing: number;
  /** Of those, soft-deleted at the end of the grace period, and purged after the retention period (so far). */
  deletedAfterGrace: number;
  purged: number;
  /** Who approved or rejected the deletions (`user:<name>`, `cli:<login>`), and when. */
  decidedBy?: string;
  decidedAt?: string;
}

/** A customer an input left as it was because rows of it were rejected. */
export interface WithheldCustomerReport {
  stepIndex: number;
  /** The input whose rows were rejected. */
  source: string;
  externalId: string;
  /** The rejected lines (positions) of the customer in that input. */
  lines: number[];
  /** The customer did not exist: it was not created. */
  isNew: boolean;
  /** The first rejected line's reason. */
  reason: string;
}

export interface RunReport {
  runId: string;
  flow: string;
  /** A dry run wrote no customer: its changes are previews (`custsync run --dry-run` prints them). */
  dryRun: boolean;
  status: 'completed' | 'failed' | 'running';
  trigger: string;
  /** `full` when the source read a full snapshot, `delta` when only deltas, `none` when nothing was pending. */
  mode: 'full' | 'delta' | 'none';
  steps: (StepStats & { inputDetails: InputReport[] })[];
  /** Missing customers found back in this run. */
  restored: number;
  /** Absent when the run read no full snapshot of a source of truth. */
  deletion?: DeletionReport;
  totals: RunTotals;
  /** The first rejected records (all are in the database). */
  rejectedSample: RejectedRecord[];
  /** Customers left as they were because rows of theirs were rejected: how many, and the first of them. */
  withheld: { count: number; sample: WithheldCustomerReport[] };
  /** Pairs of customers that may be one, first found by this run (`custsync duplicates list`), and those it merged itself (`autoMerge: strong`); absent when none. */
  duplicates?: { candidates: number; strong: number; merged: number };
  durationMs: number;
  error?: string;
}

/** Chunks of one run merged at the same time unless the flow says otherwise. */
export const DEFAULT_MERGE_LANES = 2;

/** How long a run's activity may go without a sign of life before it is retried elsewhere, unless the flow says otherwise. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 20_000;

export const emptyTotals = (): RunTotals => ({ customers: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 });
