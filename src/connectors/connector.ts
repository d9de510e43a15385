import type { ConnectorInput } from '../domain/connector-input.js';
import type { CustomerRecord, RejectedRecord } from '../domain/customer-record.js';
import type { OutboundCustomer, PushResult } from '../domain/outbound-customer.js';

export type { ConnectorInput };

/** A customer record as read, with its position so fragments keep their order. */
export interface StagedFragment {
  /** Ascending position in the input (e.g. first line of the record). */
  seq: number;
  record: CustomerRecord;
  /** Hash of exactly what the source supplied for this record (see {@link SourceDigest}), when the connector hashes its raw input. */
  sourceHash?: string;
  /**
   * The record's jsonb text and hash, when the connector wrote them (off the thread that stages
   * them) and found every value storable; `record` is then read from the text when asked for.
   */
  written?: WrittenRecord;
}

/** A record's jsonb text and record hash (`merge/record-hash.ts`), with what staging needs of the record besides. */
export interface WrittenRecord {
  externalId: string;
  /** The customer the record names itself (its `customerId`), if it does. */
  customerId?: string;
  text: string;
  hash: string;
}

/**
 * A customer of an input as its source supplied it, before it is mapped: its external id and a
 * hash of its raw input (rows, with everything that decides how they map: format, header,
 * mapping options, reference data), so equal hashes map to equal records.
 */
export interface SourceDigest {
  externalId: string;
  sourceHash: string;
}

/** A customer {@link ReadOptions.recognize} recognized: not mapped, only where it is. */
export interface RecognizedCustomer extends SourceDigest {
  /** Its position in the input, as a fragment's `seq`. */
  seq: number;
}

export interface ConnectorPage {
  fragments: StagedFragment[];
  rejects: RejectedRecord[];
  /** Customers the read's `recognize` recognized, not mapped. */
  recognized?: RecognizedCustomer[];
  /** Raw records consumed by this page (rows, lines), accepted or not. */
  read: number;
  /** Opaque cursor after this page: reading again from it yields exactly the rest. */
  cursor: string;
  /** Findings about the input as a whole (e.g. unknown header columns); given with the first page read. */
  warnings?: string[];
  /**
   * The input's cursor for the next run, known only once it is read (a source process's last
   * state): on the last page; stored as the flow's cursor for this connector when the run completes.
   */
  nextCursor?: string;
}

export interface ListOptions {
  /** The cursor the flow's last completed run left (incremental listings); absent on the first run. */
  since?: string;
}

export interface ReadOptions {
  /** Resume after this cursor (from a heartbeat); absent to start at the beginning. */
  cursor?: string;
  /** Fragments per page. */
  pageSize: number;
  /**
   * Called (by connectors that hash their raw input) with a page's customers before they are
   * mapped; those whose external id it returns are not mapped but listed in the page's
   * `recognized`. Absent: every customer is mapped.
   */
  recognize?: (customers: readonly SourceDigest[]) => Promise<ReadonlySet<string>>;
  /** Called whenever a source process shows a sign of life (writes a line): the read is not hung. */
  alive?: () => void;
  /** How long a source process may write nothing before it counts as hung and is stopped; default: its connector's setting. */
  silenceTimeoutMs?: number;
  /** Called with what a source process logs (its log messages and stderr, secrets masked). */
  onLog?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** Aborted when the read is cancelled (a run cancelled, a worker draining past its grace time): requests in flight stop. */
  signal?: AbortSignal;
}

/** A configured connector instance. Implementations live in `src/connectors/<type>`. */
export interface Connector {
  readonly name: string;
  readonly type: string;
  /**
   * Whether each input is processed once (files) rather than re-read every run.
   * Consumed inputs are recorded with their checksum when the run completes.
   */
  readonly consumesInputs: boolean;
  /**
   * Inputs available now, oldest first. A connector that can list changes since a cursor
   * (capability `changesSince`) lists everything without `since`, and only what changed
   * since it otherwise; either way its input carries the `nextCursor` for the next run.
   */
  listInputs(options?: ListOptions): Promise<ConnectorInput[]>;
  /** Streams the input's records in pages. */
  read(input: ConnectorInput, options: ReadOptions): AsyncIterable<ConnectorPage>;
  /**
   * Looks one customer up by its external id: its record, or undefined when the connector
   * does not have it. Only connectors with the `lookup` capability; deletions are then
   * confirmed by a lookup, and order events fetch the customer they reference.
   */
  lookup?(externalId: string): Promise<CustomerRecord | undefined>;
  /**
   * Creates the customer in the connected system (no `externalId` yet) or updates it.
   * Returns its external id there. Only connectors with the `push` capability.
   */
  push?(customer: OutboundCustomer): Promise<PushResult>;
  /**
   * Called once a completed run has recorded the input as processed: archive or delete it,
   * as the connector is configured. Must be harmless when called again.
   */
  afterProcessed?(input: ConnectorInput): Promise<void>;
}

/** Builds connectors by name from the configuration. */
export type ConnectorFactory = (name: string) => Connector;
