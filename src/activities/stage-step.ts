import { readBulkUpload } from './read-bulk-upload.js';
import { Context } from '@temporalio/activity';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { ConnectorInput, ConnectorPage, SourceDigest } from '../connectors/connector.js';
import { InputError } from '../connectors/input-error.js';
import { readInput } from '../connectors/read-input.js';
import type { CopyRows } from '../db/copy-rows.js';
import { isDataException, isUniqueViolation } from '../db/data-exception.js';
import { insertRejectedRecords, type RejectedRecordRow } from '../db/repositories/rejected-records.js';
import { recordInputNextCursor, recordInputOutcome } from '../db/repositories/run-inputs.js';
import {
  recordWithheldCustomers,
  stageFragments,
  stepStagingCounts,
  supersedeEarlierRecords,
  unstagedCustomersNamedAgain,
  unstageInput,
  withholdRejectedCustomers,
  type StagingRow,
  type WithholdScope,
} from '../db/repositories/staging-records.js';
import type { CustomerRecord, RejectedRecord } from '../domain/customer-record.js';
import type { MatchBy } from '../domain/match-by.js';
import type { FlowStepPlan } from '../domain/run-types.js';
import { setStepStageCounts } from '../db/repositories/sync-runs.js';
import { assertStagingKept } from '../db/repositories/staging-sentinels.js';
import { recordUnchangedPage, type UnchangedPage } from '../db/repositories/unchanged-pages.js';
import { recordSourceDigests, storedSourcesOf, type SourceDigestRow, type StoredSource } from '../db/repositories/source-digests.js';
import { findUnstorableValue, jsonTextMayBeUnstorable, unstorableTextReason, type UnstorableValue } from '../domain/storable-values.js';
import type { ActivityDeps } from './activity-deps.js';
import { inputHashOf, matcherOf, newCustomerId, recordTextAndHash, stepsSignature } from '../merge/index.js';
import { SEQ_STRIDE } from '../db/staging-positions.js';
import { flowOfRunId } from '../domain/run-flow.js';
import { heartbeat } from './heartbeat.js';
import { OrderedWrites } from './ordered-writes.js';

export interface StageStepInput {
  runId: string;
  stepIndex: number;
  connector: string;
  input: ConnectorInput;
  /** Position of the input within the step; keeps fragment order across inputs. */
  inputIndex: number;
  pageSize: number;
  /** Enrichment steps: how records are matched (each record's match key is staged with it). */
  matchBy?: MatchBy;
  /** Fail (non-retryably) when more than this percent of the input's rows are rejected. */
  maxRejectedPercent?: number;
  /**
   * Leave unstaged the records of customers whose source supplies what their stored state was
   * merged from (their input hash is the stored one), keeping only their hash: for flows of one
   * source step, where such a customer is unchanged. Default false.
   */
  skipUnchanged?: {
    /** The flow's steps (one source step): their signature is part of every input hash. */
    steps: FlowStepPlan[];
  };
}

export interface StageStepResult {
  read: number;
  staged: number;
  rejected: number;
}

interface StageHeartbeat {
  input: string;
  cursor: string;
  read: number;
  rejected?: number;
  /** Staging the input again, whole: it named a customer left unstaged more than once. */
  whole?: true;
}

/**
 * Streams one connector input into the staging table page by page, heartbeating
 * the cursor after each committed page; a retry resumes from the last cursor.
 * Rewriting a page is harmless (keyed upserts), so the activity is idempotent.
 */
export function stageStepActivity(deps: ActivityDeps) {
  const { db, metrics } = deps;
  return async function stageStep(input: StageStepInput): Promise<StageStepResult> {
    const ctx = Context.current();
    const last = ctx.info.heartbeatDetails as StageHeartbeat | undefined;
    const resume = last && last.input === input.input.name ? last : undefined;
    const seqFrom = input.inputIndex * SEQ_STRIDE;
    const range = { runId: input.runId, stepIndex: input.stepIndex, seqFrom, seqTo: seqFrom + SEQ_STRIDE };
    const unchangedBy = resume?.whole ? undefined : input.skipUnchanged?.steps;
    let passed = await stagePass(deps, input, resume, unchangedBy);
    if (unchangedBy && (await unstagedCustomersNamedAgain(db, { ...range, input: input.input.name })) > 0) {
      // A customer named twice (rows apart in a file, a repeated record) may be unchanged in one and not in the other.
      await unstageInput(db, range);
      heartbeat({ input: input.input.name, cursor: '', read: 0, whole: true } satisfies StageHeartbeat);
      passed = await stagePass(deps, input, undefined, undefined);
    }
    const { read, rejected: rejectedHere } = passed;
    await withholdRejectedCustomers(db, { ...withholdScope(input), seqFrom, seqTo: seqFrom + SEQ_STRIDE });
    if (input.inputIndex > 0) await supersedeEarlierRecords(db, { runId: input.runId, stepIndex: input.stepIndex, seqFrom });
    await recordInputOutcome(db, input.runId, input.stepIndex, input.input.name, { read, rejected: rejectedHere });
    metrics.rowsRejected(flowOfRunId(input.runId), input.connector, rejectedHere);
    if (input.maxRejectedPercent !== undefined && read > 0 && rejectedHere * 100 > input.maxRejectedPercent * read) {
      throw new InputError(
        `${input.input.name}: ${rejectedHere} of ${read} rows rejected (${((100 * rejectedHere) / read).toFixed(1)}%), ` +
          `more than the flow's maxRejectedPercent of ${input.maxRejectedPercent}%; nothing of the run was merged. ` +
          `See the rejects with: custsync runs rejects ${input.runId}; fix the file and run the flow again`,
      );
    }

    const { staged, rejected } = await stepStagingCounts(db, input.runId, input.stepIndex);
    await assertStagingKept(db, input.runId);
    await setStepStageCounts(db, input.runId, input.stepIndex, { read, staged, rejected });
    return { read, staged, rejected };
  };
}

/**
 * Pages written at once, each in its own transaction: the main thread screens and sends one
 * while the database copies in the other.
 */
const PAGES_WRITTEN_AT_ONCE = 2;

/**
 * Reads the input from `resume`'s cursor (or its start) and stages it page by page, a page's
 * cursor heartbeated once it and every page before it are committed; the next pages are read
 * and screened while earlier ones are written.
 * With `unchangedBy` (the flow's steps), customers whose input hash is the stored one are staged
 * without their record.
 */
async function stagePass(
  deps: ActivityDeps,
  input: StageStepInput,
  resume: StageHeartbeat | undefined,
  unchangedBy: readonly FlowStepPlan[] | undefined,
): Promise<{ read: number; rejected: number }> {
  const { db, connectors, copyTransaction } = deps;
  const ctx = Context.current();
  let read = resume?.read ?? 0;
  let rejected = resume?.rejected ?? 0;

  const known = unchangedBy ? new KnownSources(db, input, unchangedBy) : undefined;
  let lastBeat: StageHeartbeat | undefined = resume;

  /** Stages a screened page in one transaction; returns how many of its records were rejected. */
  const writePage = async (page: ConnectorPage, screened: ScreenedPage): Promise<number> => {
    const { rejects } = screened;
    const { rows, unchanged, digests } = known ? await known.setUnchangedApart(screened, page) : { ...screened, unchanged: undefined };
    const stage = async (trx: Transaction<Database>, copy: CopyRows | undefined) => {
      await stageFragments(trx, input.runId, input.stepIndex, rows, copy);
      if (unchanged) await recordUnchangedPage(trx, input.runId, input.stepIndex, unchanged);
      await recordRejects(trx, input, rejects);
      if (known) await recordSourceDigests(trx, input.connector, digests);
    };
    let rejectedCount = rejects.length;
    if (unchanged && rows.length === 0 && rejects.length === 0 && digests.length === 0) {
      // Only unchanged customers: one statement, with no transaction around it.
      await recordUnchangedPage(db, input.runId, input.stepIndex, unchanged);
    } else {
      try {
        await copyTransaction(stage).catch((error: unknown) => {
          // Staged before (a retried page): staged again over what is there.
          if (isUniqueViolation(error)) return db.transaction().execute((trx) => stage(trx, undefined));
          throw error;
        });
      } catch (error) {
        if (!isDataException(error)) throw error;
        // Something the screening did not foresee: find the records the database refuses, one by one.
        rejectedCount = await stageOneByOne(db, input, rows, rejects);
        // The page's unchanged customers went with the rolled-back transaction: without them, a full snapshot would miss them.
        if (unchanged) await recordUnchangedPage(db, input.runId, input.stepIndex, unchanged);
      }
    }
    known?.forget(rows, unchanged);
    return rejectedCount;
  };

  const readOptions = {
    cursor: resume?.cursor || undefined,
    pageSize: input.pageSize,
    signal: ctx.cancellationSignal,
    onLog: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => {
      ctx.log[level](message, { connector: input.connector, input: input.input.name });
    },
    // A source process that writes anything is alive; one silent past the heartbeat timeout is stopped and the read retried.
    alive: () => heartbeat(lastBeat),
    ...(ctx.info.heartbeatTimeoutMs ? { silenceTimeoutMs: ctx.info.heartbeatTimeoutMs } : {}),
    ...(known ? { recognize: (customers: readonly SourceDigest[]) => known.recognize(customers) } : {}),
  };
  const pages =
    input.input.importUpload !== undefined
      ? readBulkUpload(db, input.input.importUpload, readOptions)
      : readInput(() => connectors(input.connector), input.input, readOptions);
  const writes = new OrderedWrites<{ page: ConnectorPage; rejectedCount: number }>(PAGES_WRITTEN_AT_ONCE, ({ page, rejectedCount }) => {
    read += page.read;
    rejected += rejectedCount;
    const whole = input.skipUnchanged !== undefined && !unchangedBy;
    lastBeat = { input: input.input.name, cursor: page.cursor, read, rejected, ...(whole ? { whole: true as const } : {}) } satisfies StageHeartbeat;
    heartbeat(lastBeat);
  });
  for await (const page of pages) {
    if (page.warnings && page.warnings.length > 0) {
      await recordInputOutcome(db, input.runId, input.stepIndex, input.input.name, { warnings: page.warnings });
    }
    if (page.nextCursor !== undefined) await recordInputNextCursor(db, input.runId, input.stepIndex, input.input.name, page.nextCursor);
    const screened = screenFragments(input, page);
    await writes.add(async () => ({ page, rejectedCount: await writePage(page, screened) }));
  }
  await writes.finish();
  return { read, rejected };
}

/**
 * What is stored of the customers an input names, looked up a page at a time: a customer whose
 * source supplies the rows it mapped from last time, and whose stored state was merged from the
 * record those rows map to, is unchanged: it is recognized before mapping (by its rows' hash) or
 * after (by its record's), and staged without its record.
 */
class KnownSources {
  private readonly stored = new Map<string, StoredSource>();
  private readonly signature: string;

  constructor(
    private readonly db: ActivityDeps['db'],
    private readonly input: StageStepInput,
    steps: readonly FlowStepPlan[],
  ) {
    this.signature = stepsSignature(steps);
  }

  private unchanged(source: StoredSource | undefined, recordHash: string | undefined): source is StoredSource & { customerId: string } {
    if (source?.customerId === undefined || recordHash === undefined) return false;
    if (recordHash === source.recordHash) return source.mergedFromDigest === true;
    return source.inputHash === inputHashOf(this.signature, [{ stepIndex: this.input.stepIndex, recordHash }]);
  }

  /**
   * What is stored of these ids (those looked up before as they were kept, the others from the
   * database), in a map of the caller's own: a page committed meanwhile may forget kept ones.
   */
  private async lookUp(externalIds: readonly string[]): Promise<Map<string, StoredSource>> {
    const sources = new Map<string, StoredSource>();
    const missing: string[] = [];
    for (const id of new Set(externalIds)) {
      const source = this.stored.get(id);
      if (source) sources.set(id, source);
      else if (id.length <= 512 && unstorableTextReason(id) === undefined) missing.push(id);
    }
    const found = await storedSourcesOf(this.db, this.input.connector, missing, { stepsSignature: this.signature, stepIndex: this.input.stepIndex });
    for (const id of missing) {
      const source = found.get(id) ?? {};
      this.stored.set(id, source);
      sources.set(id, source);
    }
    return sources;
  }

  /** The customers of a page whose rows are those their stored state was merged from. */
  async recognize(customers: readonly SourceDigest[]): Promise<ReadonlySet<string>> {
    const sources = await this.lookUp(customers.map((c) => c.externalId));
    const recognized = new Set<string>();
    for (const c of customers) {
      const source = sources.get(c.externalId);
      if (source?.sourceHash === c.sourceHash && this.unchanged(source, source.recordHash)) recognized.add(c.externalId);
    }
    return recognized;
  }

  /**
   * Sets the page's unchanged customers (its recognized ones among them) apart from its rows, as
   * the page of unchanged customers to keep; gives the other rows the customer the source step's
   * matching would (the stored one, or a new id derived from the run), unless a record names its
   * customer itself; keeps only the source digests that are new or changed.
   */
  async setUnchangedApart(
    screened: Pick<ScreenedPage, 'rows' | 'digests'>,
    page: ConnectorPage,
  ): Promise<{ rows: StagingRow[]; unchanged: UnchangedPage | undefined; digests: SourceDigestRow[] }> {
    const recognized = page.recognized ?? [];
    const sources = await this.lookUp([...screened.rows.map((r) => r.external_id), ...recognized.map((r) => r.externalId)]);
    const seqOffset = this.input.inputIndex * SEQ_STRIDE;
    const entries: { seq: number; externalId: string; customerId: string }[] = [];
    const rows: StagingRow[] = [];
    for (const row of screened.rows) {
      const source = sources.get(row.external_id);
      if (this.unchanged(source, row.record_hash)) {
        entries.push({ seq: row.seq, externalId: row.external_id, customerId: source.customerId });
        continue;
      }
      if (source && !row.names_customer) {
        // Its customer, as the matching would assign it: staged with it, the row need not be rewritten there.
        row.customer_id = source.customerId ?? newCustomerId(this.input.runId, row.external_id);
      }
      rows.push(row);
    }
    for (const r of recognized) {
      const source = sources.get(r.externalId);
      if (!this.unchanged(source, source?.recordHash)) throw new Error(`customer ${r.externalId} was recognized unchanged but its stored state is not known`);
      entries.push({ seq: seqOffset + r.seq, externalId: r.externalId, customerId: source.customerId });
    }
    entries.sort((a, b) => a.seq - b.seq);
    let seqFrom = Infinity;
    let seqTo = -Infinity;
    for (const seq of [...screened.rows.map((r) => r.seq), ...entries.map((e) => e.seq)]) {
      seqFrom = Math.min(seqFrom, seq);
      seqTo = Math.max(seqTo, seq);
    }
    const unchanged: UnchangedPage | undefined =
      seqFrom <= seqTo ? { seqFrom, seqTo, externalIds: entries.map((e) => e.externalId), customerIds: entries.map((e) => e.customerId) } : undefined;
    const digests = screened.digests.filter((d) => {
      const source = sources.get(d.external_id);
      return source?.sourceHash !== d.source_hash || source.recordHash !== d.record_hash;
    });
    return { rows, unchanged, digests };
  }

  /** Drops what was looked up for a page once it is staged. */
  forget(rows: readonly StagingRow[], unchanged: UnchangedPage | undefined): void {
    for (const row of rows) this.stored.delete(row.external_id);
    for (const id of unchanged?.externalIds ?? []) this.stored.delete(id);
  }
}

/** A page as staging rows, the rejects found screening it, and its records' source digests. */
interface ScreenedPage {
  rows: StagingRow[];
  rejects: RejectedRecordRow[];
  digests: SourceDigestRow[];
}

/**
 * Fragments as staging rows; a fragment holding a value the database cannot store (a NUL,
 * an unpaired surrogate, a non-finite number) becomes a reject naming its line and field.
 */

function screenFragments(input: StageStepInput, page: ConnectorPage): ScreenedPage {
  const rows: StagingRow[] = [];
  const digests: SourceDigestRow[] = [];
  const rejects = page.rejects.map((r) => rejectRow(input, r));
  const matcher = input.matchBy ? matcherOf(input.matchBy) : undefined;
  for (const f of page.fragments) {
    const written = f.written ?? storableTextAndHash(f.record);
    if ('reason' in written) {
      const field = written.path || 'record';
      rejects.push(rejectRow(input, { source: input.input.name, line: f.seq, externalId: f.record.externalId, field, reason: `${field} ${written.reason}` }));
      continue;
    }
    const { text, hash } = written;
    // A written fragment's record is read from its text only if a match key is wanted.
    const row: StagingRow = {
      external_id: f.written?.externalId ?? f.record.externalId,
      seq: input.inputIndex * SEQ_STRIDE + f.seq,
      record: f.written ? undefined : f.record,
      record_text: text,
      record_hash: hash,
      match_key: matcher ? (matcher.keyOf(f.record) ?? null) : null,
      names_customer: (f.written ? f.written.customerId : f.record.customerId) !== undefined,
    };
    rows.push(row);
    if (f.sourceHash !== undefined) digests.push({ external_id: row.external_id, source_hash: f.sourceHash, record_hash: row.record_hash });
  }
  return { rows, rejects, digests };
}

/**
 * A record's jsonb text and hash, or the first of its values the database cannot store: its text
 * is checked whole, and only a text that may hold such a value has the record walked.
 */
function storableTextAndHash(record: CustomerRecord): { text: string; hash: string } | UnstorableValue {
  let written: { text: string; hash: string } | undefined;
  try {
    written = recordTextAndHash(record);
  } catch {
    // A value jsonb has no text for (a non-finite number): found and named below.
  }
  if (written && !jsonTextMayBeUnstorable(written.text)) return written;
  return findUnstorableValue(record) ?? written ?? recordTextAndHash(record);
}

function withholdScope(input: StageStepInput): WithholdScope {
  return { runId: input.runId, stepIndex: input.stepIndex, connector: input.connector, input: input.input.name };
}

/** Records rejected rows, and the customers they name as left as they were by the input. */
async function recordRejects(db: ActivityDeps['db'] | Transaction<Database>, input: StageStepInput, rejects: readonly RejectedRecordRow[]): Promise<void> {
  await insertRejectedRecords(db, rejects);
  await recordWithheldCustomers(
    db,
    withholdScope(input),
    rejects.flatMap((r) => (r.external_id ? [{ externalId: r.external_id, line: r.line, reason: r.reason }] : [])),
  );
}

function rejectRow(input: StageStepInput, r: RejectedRecord): RejectedRecordRow {
  return {
    run_id: input.runId,
    step_index: input.stepIndex,
    source: r.source,
    line: r.line,
    external_id: r.externalId ?? null,
    field: r.field ?? null,
    reason: r.reason,
    raw: r.raw ?? null,
  };
}

/**
 * Stages a page record by record, each in its own transaction: a record the database refuses
 * with a data exception (SQLSTATE class 22) is rejected with the database's reason, the others
 * are staged. Returns how many records the page rejected.
 */
async function stageOneByOne(db: ActivityDeps['db'], input: StageStepInput, rows: StagingRow[], rejects: RejectedRecordRow[]): Promise<number> {
  const refused: RejectedRecordRow[] = [];
  for (const row of rows) {
    try {
      await stageFragments(db, input.runId, input.stepIndex, [row]);
    } catch (error) {
      if (!isDataException(error)) throw error;
      refused.push(
        rejectRow(input, {
          source: input.input.name,
          line: row.seq % SEQ_STRIDE,
          externalId: row.external_id,
          reason: `the database cannot store this record: ${(error as Error).message} (SQLSTATE ${(error as { code: string }).code})`,
        }),
      );
    }
  }
  const all = [...rejects, ...refused];
  for (let i = 0; i < all.length; i += 1_000) await recordRejects(db, input, all.slice(i, i + 1_000));
  return all.length;
}
