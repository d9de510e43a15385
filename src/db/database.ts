import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { NotificationEvent } from '../domain/notification-event.js';
import type { CustomerRecord } from '../domain/customer-record.js';
import type { DuplicateKeyKind, DuplicateStrength } from '../domain/duplicate-settings.js';
import type { MatchKey } from '../merge/match-keys.js';
import type { CustomerDiff, MergedCustomer } from '../merge/index.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb column: read as `T` (the driver parses it), written as JSON text (attribute values may be scalars, which JSONColumnType does not allow). */
type Json<T = unknown> = ColumnType<T, string, string>;

interface ProvenanceColumns {
  connector: string;
  run_id: string;
}

interface CustomerChild extends ProvenanceColumns {
  customer_id: string;
  item_key: string;
}

export interface CustomersTable {
  id: string;
  type: 'PERSON' | 'COMPANY';
  first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  company_name: string | null;
  source_connector: string;
  source_id: string;
  parent_customer_id: string | null;
  relation_type: string | null;
  /** Whether other (not deleted) customers have this one as their parent. */
  is_parent_company: Generated<boolean>;
  content_hash: string;
  /** Hash of the step contributions the stored state was last merged from; equal input means an unchanged customer. */
  input_hash: string | null;
  merged: Json<MergedCustomer>;
  created_run_id: string;
  updated_run_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  missing_since: Date | null;
  deleted_at: Date | null;
  deleted_reason: string | null;
  deleted_run_id: string | null;
  /** The run that found the customer missing from its source's full snapshot. */
  missing_run_id: string | null;
  /** The customer this one was merged into (a duplicate): it holds this one's external ids and items now. */
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ExternalIdsTable {
  connector: string;
  external_id: string;
  customer_id: string;
  run_id: string;
  created_at: Timestamp;
  /** Its customer's input hash, kept in step by the database (null: not known here, read the customer's). */
  input_hash: string | null;
}

export interface AddressesTable extends CustomerChild {
  address_type: 'billing' | 'shipping' | 'other';
  code: string | null;
  name: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country: string | null;
}

export interface ContactPersonsTable extends CustomerChild {
  contact_ref: string | null;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  email: string | null;
  phone: string | null;
}

export interface AttributesTable extends CustomerChild {
  key: string;
  value: Json;
}
export interface AddressAttributesTable extends AttributesTable {
  address_key: string;
}
export interface ContactPersonAttributesTable extends AttributesTable {
  contact_key: string;
}

export interface ContactDetailsTable extends CustomerChild {
  kind: string;
  value: string;
}
export interface AddressContactDetailsTable extends ContactDetailsTable {
  address_key: string;
}
export interface ContactPersonContactDetailsTable extends ContactDetailsTable {
  contact_key: string;
}

export interface AttachmentsTable extends CustomerChild {
  name: string | null;
  content_type: string | null;
  url: string | null;
  checksum: string | null;
}

export interface CustomerRelationsTable extends ProvenanceColumns {
  customer_id: string;
  parent_external_id: string | null;
  relation_type: string | null;
  /** External ids of the companies this one names as sub-departments (see `Relation.subDepartmentExternalIds`). */
  sub_department_external_ids: JSONColumnType<string[] | null>;
}

/** An order event handled (or being handled) by a run. */
export interface OrderEventsTable {
  event_id: string;
  connector: string;
  external_id: string;
  via: string;
  /** The run that syncs the event's customer. */
  run_id: string;
  received_at: Timestamp;
  handled_at: Generated<Date>;
}

/** A customer's push to one target: pending, pushed or failed. */
export interface CustomerPushesTable {
  target: string;
  customer_id: string;
  /** `pending`: to push (again); `pushed`: the target has the latest change; `failed`: given up, see `last_error`; `skipped`: deleted before it was pushed. */
  status: 'pending' | 'pushed' | 'failed' | 'skipped';
  /** Raised by every queued change; a push only settles the version it read. */
  version: Generated<number>;
  queued_run_id: string;
  queued_at: Generated<Date>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  /** `created` or `updated` in the target. */
  last_action: string | null;
  pushed_at: Date | null;
  /** Pushes made so far. */
  pushes: Generated<number>;
}

/** Where a flow's incremental listing of a connector stands: the next run lists changes since `cursor`. */
export interface ConnectorCursorsTable {
  flow: string;
  connector: string;
  cursor: string;
  run_id: string;
  updated_at: Timestamp;
}

export interface SyncRunsTable {
  id: string;
  flow: string;
  trigger: string;
  status: 'running' | 'completed' | 'failed';
  mode: string;
  started_at: Timestamp;
  finished_at: Date | null;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  rejected: Generated<number>;
  error: string | null;
  /** Customers this run marked missing, and missing ones it found back. */
  marked_missing: Generated<number>;
  restored: Generated<number>;
  /** Missing customers the run found, and the source connector's customers it compared with. */
  missing_candidates: Generated<number>;
  source_customers: Generated<number>;
  /** null: no full snapshot; `marked`, `awaiting-approval`, `approved`, `rejected`, `timed-out`. */
  deletion_status: string | null;
  /** When `deletion_status` last changed (since when a run waits for approval). */
  deletion_status_at: Date | null;
  /** Who approved or rejected the run's deletions, and when. */
  deletion_decided_by: string | null;
  deletion_decided_at: Date | null;
  /** The decision claimed for the run's deletions (`approve` or `reject`); the first one wins. */
  deletion_decision: 'approve' | 'reject' | null;
  /** A dry run computes its changes into `sync_run_previews` and writes no customer. */
  dry_run: Generated<boolean>;
}

export interface SyncRunStepsTable {
  run_id: string;
  step_index: number;
  role: 'source' | 'enrichment';
  connector: string;
  inputs: Json<string[]>;
  read: Generated<number>;
  staged: Generated<number>;
  matched: Generated<number>;
  unmatched: Generated<number>;
  rejected: Generated<number>;
}

export interface SyncRunChunksTable {
  run_id: string;
  chunk_start: string;
  chunk_end: string;
  customers: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** New customers held for review instead of created. */
  held: Generated<number>;
  completed_at: Timestamp;
}

/** A run's merge plan, fixed once computed so every retry and continuation sees the same chunks. */
export interface SyncRunPlansTable {
  run_id: string;
  chunk_starts: Json<string[]>;
  to_merge: number;
  unchanged: number;
}

/** The customers a run has to merge (those whose inputs changed). */
export interface SyncRunMergeSetTable {
  run_id: string;
  customer_id: string;
}

/** What a customer's source supplied last (see migration 0022): a hash of its raw rows and of the record they map to. */
export interface SourceDigestsTable {
  connector: string;
  external_id: string;
  source_hash: string;
  record_hash: string;
}

/** Customers a page of an input names unchanged (see `unchanged-pages.ts`): parallel arrays. */
export interface UnchangedPagesTable {
  run_id: string;
  step_index: number;
  seq_from: ColumnType<string, number | string, number | string>;
  seq_to: ColumnType<string, number | string, number | string>;
  external_ids: string[];
  customer_ids: string[];
}

/** Every customer a run's step names: its staged records and its unchanged customers (a view). */
export interface StagedCustomersView {
  run_id: string;
  step_index: number;
  seq: string;
  external_id: string;
  customer_id: string | null;
  unchanged: boolean;
}

export interface StagingRecordsTable {
  run_id: string;
  step_index: number;
  external_id: string;
  seq: ColumnType<string, number | string, number | string>;
  record: Json<CustomerRecord>;
  record_hash: string;
  match_key: string | null;
  customer_id: string | null;
}

/** One row per running run while its staged records are there (both unlogged: see migration 0027). */
export interface StagingSentinelsTable {
  run_id: string;
}

export interface RejectedRecordsTable {
  run_id: string;
  step_index: number;
  source: string;
  line: number;
  external_id: string | null;
  field: string | null;
  reason: string;
  raw: string | null;
}

/** A customer an input left as it was because rows of it were rejected (see `withholdRejectedCustomers`). */
export interface WithheldCustomersTable {
  run_id: string;
  step_index: number;
  /** The input (file name, URL, …) whose rows were rejected. */
  source: string;
  external_id: string;
  /** The rejected lines (positions), ascending. */
  lines: JSONColumnType<number[]>;
  /** Whether the customer did not exist yet: it was not created. */
  is_new: boolean;
  /** The first rejected line's reason. */
  reason: string;
}

export type ChangeKind = 'created' | 'updated' | 'missing' | 'restored' | 'deleted' | 'purged' | 'merged' | 'unmerged';

export interface ChangeLogTable {
  id: Generated<string>;
  run_id: string;
  customer_id: string;
  change: ChangeKind;
  diff: Json<CustomerDiff[]>;
  created_at: Timestamp;
  /** Who made the change outside a run: `token:<name>` for the customer API; null for runs. */
  actor: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The answer to a write sent with an `Idempotency-Key`: replayed when the same request comes again. */
export interface IdempotentRequestsTable {
  /** The API token that sent it: keys are per token. */
  token: string;
  key: string;
  /** Hash of method, path and body: the same key with another request is refused. */
  request_hash: string;
  /** null while the first request is still being answered. */
  status: number | null;
  headers: Json<Record<string, string>> | null;
  body: Json | null;
  created_at: Timestamp;
}

/** A record of a bulk upsert (`POST /api/v1/customers/bulk`), read by its import run. */
export interface BulkUploadRecordsTable {
  upload_id: string;
  position: number;
  record: Json<CustomerRecord>;
}

export interface ConnectorInputsTable {
  connector: string;
  name: string;
  checksum: string;
  run_id: string;
  processed_at: Timestamp;
}

/** One input a run's step read or skipped, in order. */
export interface SyncRunInputsTable {
  run_id: string;
  step_index: number;
  position: number;
  connector: string;
  name: string;
  checksum: string;
  size: ColumnType<string | null, number | null | undefined, number | null>;
  kind: 'full' | 'delta';
  /**
   * `applied`: staged; `superseded`: a later full snapshot in the same run made it irrelevant;
   * `duplicate`: an earlier input had the same content under another name.
   */
  status: 'applied' | 'superseded' | 'duplicate';
  /** For a duplicate: the earlier input (`name`, or `name (run <id>)` when an earlier run read it). */
  duplicate_of: ColumnType<string | null, string | null | undefined, string | null>;
  /** What the connector noticed about the input as a whole (e.g. unknown header columns). */
  warnings: ColumnType<string[], string | undefined, string>;
  read: Generated<number>;
  rejected: Generated<number>;
  /** An incremental listing: the cursor it listed changes since. */
  since: ColumnType<string | null, string | null | undefined, string | null>;
  /** An incremental listing's cursor for the next run, stored for the flow when this run completes. */
  next_cursor: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Customers a run found missing from its source's full snapshot (candidates until marked). */
export interface SyncRunMissingTable {
  run_id: string;
  customer_id: string;
}

/** What a dry run would do to one customer. */
export interface SyncRunPreviewsTable {
  run_id: string;
  customer_id: string;
  source_id: string;
  /** `hold`: a new customer the flow holds for review instead of creating. */
  change: 'create' | 'update' | 'hold';
  diff: Json<CustomerDiff[]>;
}

/** A customer a flow would have created, held for the data team's review. */
/** An erased customer, as the audit keeps it: no personal data. */
export interface CustomerErasuresTable {
  id: Generated<string>;
  customer_id: string;
  source_connector: string;
  source_id_sha256: string;
  erased_by: string;
  erased_at: Generated<Date>;
}

/** A console sign-in, known by the SHA-256 of the random id its cookie carries. */
export interface ConsoleSessionsTable {
  id_hash: string;
  user_name: string;
  /** A digest of the user's password hash at sign-in: a changed password ends the session. */
  password_fingerprint: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  ended_at: Date | null;
  /** `signed-out`, `ended-by-admin`, … */
  ended_reason: string | null;
}

export interface NotificationOutboxTable {
  id: Generated<string>;
  target: string;
  /** A `NotificationEventType`. */
  event: string;
  /** The same event is queued once per target. */
  dedupe_key: string;
  details: Json<NotificationEvent>;
  text: string;
  link: string;
  /** `pending` until sent; `failed` after the last attempt; `skipped` when no longer true (a reminder of a decided run). */
  status: Generated<'pending' | 'sent' | 'failed' | 'skipped'>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  last_error: string | null;
  /** When the last error happened. */
  last_error_at: Date | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
}

export interface PendingCustomersTable {
  flow: string;
  source_connector: string;
  /** The source's external id (customer code): the customer's `source_id` once created. */
  source_id: string;
  status: 'pending' | 'approved' | 'rejected';
  /** The customer as the holding run merged it: what approval creates. */
  merged: Json<MergedCustomer>;
  content_hash: string;
  /** Hash of the held customer's values without provenance; null for customers held before it was kept. */
  values_hash: string | null;
  input_hash: string;
  /** The run whose data is held (the latest that held it). */
  held_run_id: string;
  first_held_run_id: string;
  held_at: ColumnType<Date, Date | string | undefined, Date | string>;
  decided_at: Timestamp | null;
  /** The created customer, once approved. */
  customer_id: string | null;
  /** Who approved or rejected it (`user:<name>`, `cli:<login>`). */
  decided_by: string | null;
  /** What was held before a later file held it again with other data, and the run that held that. */
  previous_merged: Json<MergedCustomer> | null;
  previous_held_run_id: string | null;
}

/** A key a customer was checked with for duplicates (see `customerMatchKeys`). */
export interface CustomerMatchKeysTable {
  kind: DuplicateKeyKind;
  value: string;
  customer_id: string;
}

/** Two customers that may be one: `customer_id` is the lower id of the pair. */
export interface DuplicateCandidatesTable {
  id: Generated<string>;
  customer_id: string;
  other_customer_id: string;
  strength: DuplicateStrength;
  reasons: Json<MatchKey[]>;
  name_similarity: number;
  /** `open` until the data team decides; `kept-apart` pairs are never proposed again. */
  status: ColumnType<'open' | 'kept-apart' | 'merged', 'open' | 'kept-apart' | 'merged' | undefined, 'open' | 'kept-apart' | 'merged'>;
  /** The run that found it (or last found it again while open); null when found by a scan. */
  found_run_id: string | null;
  found_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Who decided (`user:<name>`, `cli:<login>`, `token:<name>`), and when. */
  decided_by: string | null;
  decided_at: Date | null;
}

/** The survivor of a merge as it was before: what undoing the merge restores. */
export interface SurvivorBefore {
  merged: MergedCustomer;
  content_hash: string;
  input_hash: string | null;
  updated_run_id: string;
  parent_customer_id: string | null;
  relation_type: string | null;
}

/** A merge of one customer into another (an edge with who and when), and what undoing it needs. */
export interface CustomerMergesTable {
  id: Generated<string>;
  survivor_id: string;
  merged_id: string;
  candidate_id: string | null;
  /** The external ids moved from the merged customer to the survivor. */
  external_ids: Json<{ connector: string; external_id: string }[]>;
  /** Customers whose parent was the merged customer and became the survivor. */
  child_ids: Json<string[]>;
  survivor_before: Json<SurvivorBefore>;
  /** The survivor's content hash right after the merge: equal, nothing changed it since. */
  merged_hash: string;
  merged_by: string;
  merged_at: Generated<Date>;
  undone_by: string | null;
  undone_at: Date | null;
}

/** The survivorship rules a flow's customers were last chosen by. */
export interface SurvivorshipStatesTable {
  flow: string;
  rules_hash: string;
  /** The run (or `cli:<login>`) that applied them. */
  applied_by: string;
  applied_at: Generated<Date>;
}

/** The run that holds a flow: one run per flow at a time. */
export interface FlowLeasesTable {
  flow: string;
  run_id: string;
  acquired_at: Timestamp;
}

export interface Database {
  customers: CustomersTable;
  external_ids: ExternalIdsTable;
  addresses: AddressesTable;
  contact_persons: ContactPersonsTable;
  customer_attributes: AttributesTable;
  address_attributes: AddressAttributesTable;
  contact_person_attributes: ContactPersonAttributesTable;
  customer_contact_details: ContactDetailsTable;
  address_contact_details: AddressContactDetailsTable;
  contact_person_contact_details: ContactPersonContactDetailsTable;
  attachments: AttachmentsTable;
  customer_relations: CustomerRelationsTable;
  sync_runs: SyncRunsTable;
  sync_run_steps: SyncRunStepsTable;
  sync_run_chunks: SyncRunChunksTable;
  sync_run_plans: SyncRunPlansTable;
  sync_run_merge_set: SyncRunMergeSetTable;
  staging_records: StagingRecordsTable;
  staging_sentinels: StagingSentinelsTable;
  unchanged_pages: UnchangedPagesTable;
  staged_customers: StagedCustomersView;
  source_digests: SourceDigestsTable;
  rejected_records: RejectedRecordsTable;
  withheld_customers: WithheldCustomersTable;
  change_log: ChangeLogTable;
  connector_inputs: ConnectorInputsTable;
  sync_run_inputs: SyncRunInputsTable;
  sync_run_missing: SyncRunMissingTable;
  flow_leases: FlowLeasesTable;
  order_events: OrderEventsTable;
  customer_pushes: CustomerPushesTable;
  connector_cursors: ConnectorCursorsTable;
  sync_run_previews: SyncRunPreviewsTable;
  pending_customers: PendingCustomersTable;
  notification_outbox: NotificationOutboxTable;
  console_sessions: ConsoleSessionsTable;
  customer_erasures: CustomerErasuresTable;
  idempotent_requests: IdempotentRequestsTable;
  bulk_upload_records: BulkUploadRecordsTable;
  customer_match_keys: CustomerMatchKeysTable;
  customer_merges: CustomerMergesTable;
  survivorship_states: SurvivorshipStatesTable;
  duplicate_candidates: DuplicateCandidatesTable;
}

