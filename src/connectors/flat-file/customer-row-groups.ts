import * as crypto from 'node:crypto';
import type { CustomerRecord, RejectedRecord } from '../../domain/customer-record.js';
import { combineFragments } from '../../merge/index.js';
import type { RecognizedCustomer, StagedFragment } from '../connector.js';
import type { DelimitedRow, RawDelimitedRow } from './delimited-reader.js';
import type { TemplateRowResult } from './template-row-mapper.js';

/** Consecutive rows of a file that name the same customer code, as bytes. */
export interface RawRowGroup {
  /** The customer code of its rows, trimmed ('' when a row has none, or it is a null marker). */
  code: string;
  rows: RawDelimitedRow[];
  /** Hash of the file's mapping seed and the group's bytes. */
  sourceHash: string;
}

/** Changes whenever the same rows could map to another record: part of every source hash. */
const SOURCE_HASH_FORMAT = 'template-rows/1';

/**
 * What decides how a file's rows map, hashed once per file: the hash format, the reader's and
 * mapper's options, the reference data and the header row.
 */
export function sourceHashSeed(parts: { options: unknown; referenceData: unknown; header: string }): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([SOURCE_HASH_FORMAT, parts.options ?? null, parts.referenceData ?? null, parts.header]))
    .digest('base64');
}

export interface RowKeyOptions {
  /** Index of `customer_code` in the header (-1: none). */
  codeIndex: number;
  delimiter: number;
  quote: number;
  /** Null markers, trimmed and lower-cased. */
  nullMarkers?: ReadonlySet<string>;
}

/**
 * The customer code of a raw row, read from its bytes when the row is plain ASCII with no quote
 * before the code's end; otherwise from its parsed fields. The same value the mapper takes.
 */
export function customerCodeOfRow(raw: RawDelimitedRow, options: RowKeyOptions, parse: (raw: RawDelimitedRow) => DelimitedRow): string {
  const { codeIndex, delimiter, quote } = options;
  if (codeIndex < 0) return '';
  const bytes = raw.bytes;
  let contentEnd = bytes.length;
  if (contentEnd > 0 && bytes[contentEnd - 1] === 0x0a) contentEnd--;
  if (contentEnd > 0 && bytes[contentEnd - 1] === 0x0d) contentEnd--;
  let start = 0;
  let plain = true;
  for (let i = 0; i < codeIndex && plain; i++) {
    const at = bytes.indexOf(delimiter, start);
    if (at < 0 || at >= contentEnd) plain = false;
    else start = at + 1;
  }
  let end = plain ? bytes.indexOf(delimiter, start) : -1;
  if (end < 0 || end > contentEnd) end = contentEnd;
  if (plain) {
    const quoteAt = bytes.indexOf(quote);
    if (quoteAt >= 0 && quoteAt < end) plain = false;
    for (let i = start; i < end && plain; i++) if (bytes[i]! >= 0x80) plain = false;
  }
  const code = plain ? bytes.toString('latin1', start, end).trim() : (parse(raw).fields[codeIndex] ?? '').trim();
  return options.nullMarkers?.has(code.toLowerCase()) ? '' : code;
}

/** Largest group hashed through the scratch buffer; a larger one is hashed where it lies. */
const MAX_SCRATCH_BYTES = 1 << 20;

/**
 * Groups consecutive raw rows by customer code, hashing each group's bytes after the seed. Rows
 * that lie side by side in one read buffer are one run of bytes; a group of one run (almost
 * every group) is hashed in one call over the seed and the run copied behind it, with no hash
 * object to create and collect.
 */
export class RawRowGrouper {
  private current: { code: string; rows: RawDelimitedRow[]; hash: crypto.Hash | undefined } | undefined;
  /** Bytes of the open group not hashed yet: one contiguous run of a buffer. */
  private run: { bytes: Buffer; end: number } | undefined;
  private readonly seedBytes: Buffer;
  /** The seed followed by a run's bytes, for the one-call hash; grown as runs need. */
  private scratch: Buffer;

  constructor(
    private readonly seed: string,
    private readonly keyOf: (raw: RawDelimitedRow) => string,
  ) {
    this.seedBytes = Buffer.from(seed);
    this.scratch = Buffer.alloc(this.seedBytes.length + 4096);
    this.seedBytes.copy(this.scratch);
  }

  /** Adds a row; returns the group it ended, if it starts another. */
  add(raw: RawDelimitedRow): RawRowGroup | undefined {
    const code = this.keyOf(raw);
    if (this.current && this.current.code === code) {
      this.current.rows.push(raw);
      this.extendRun(raw.bytes);
      return undefined;
    }
    const ended = this.finish();
    this.current = { code, rows: [raw], hash: undefined };
    this.run = { bytes: raw.bytes, end: raw.bytes.byteOffset + raw.bytes.length };
    return ended;
  }

  /** Ends the open group. */
  finish(): RawRowGroup | undefined {
    const group = this.current;
    if (!group) return undefined;
    this.current = undefined;
    const bytes = this.run && runBytes(this.run);
    this.run = undefined;
    if (group.hash === undefined && bytes && this.seedBytes.length + bytes.length <= MAX_SCRATCH_BYTES) {
      return { code: group.code, rows: group.rows, sourceHash: this.hashOfSeedAnd(bytes) };
    }
    const hash = group.hash ?? this.seededHash();
    if (bytes) hash.update(bytes);
    return { code: group.code, rows: group.rows, sourceHash: hash.digest('base64') };
  }

  private extendRun(bytes: Buffer): void {
    const run = this.run;
    if (run && run.bytes.buffer === bytes.buffer && run.end === bytes.byteOffset) {
      run.end += bytes.length;
      return;
    }
    const current = this.current!;
    current.hash ??= this.seededHash();
    if (run) current.hash.update(runBytes(run));
    this.run = { bytes, end: bytes.byteOffset + bytes.length };
  }

  private seededHash(): crypto.Hash {
    return crypto.createHash('sha256').update(this.seed);
  }

  /** The digest of a {@link seededHash} updated with `bytes` (at most the scratch's largest size), in one call. */
  private hashOfSeedAnd(bytes: Buffer): string {
    const size = this.seedBytes.length + bytes.length;
    if (size > this.scratch.length) {
      this.scratch = Buffer.alloc(Math.min(MAX_SCRATCH_BYTES, Math.max(size, 2 * this.scratch.length)));
      this.seedBytes.copy(this.scratch);
    }
    bytes.copy(this.scratch, this.seedBytes.length);
    const data = this.scratch.subarray(0, size);
    // crypto.hash came with Node 20.12.
    return typeof crypto.hash === 'function' ? crypto.hash('sha256', data, 'base64') : crypto.createHash('sha256').update(data).digest('base64');
  }
}

/** A run's bytes, as one view of its buffer. */
function runBytes(run: { bytes: Buffer; end: number }): Buffer {
  const { bytes } = run;
  return run.end === bytes.byteOffset + bytes.length ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, run.end - bytes.byteOffset);
}

/** What a page of groups becomes (its fragments as `F`: staged fragments, or what they are made into). */
export interface MappedGroups<F = StagedFragment> {
  fragments: F[];
  rejects: RejectedRecord[];
  recognized: RecognizedCustomer[];
}

/**
 * Maps a page of groups: recognized customers are listed, not mapped; the other rows are mapped
 * and combined per customer as before (rows of one customer code make one record, rejected rows
 * in between do not split it). A record gets its group's source hash only when it is exactly that
 * group's rows, every one of them mapped. Each fragment is made into what `made` makes of it as
 * soon as it is combined (its record's objects then die young).
 */
export function mapRowGroups<F = StagedFragment>(
  groups: readonly RawRowGroup[],
  recognized: ReadonlySet<string>,
  mapRow: (raw: RawDelimitedRow) => TemplateRowResult,
  made: (fragment: StagedFragment) => F = (fragment) => fragment as F,
): MappedGroups<F> {
  const out: MappedGroups<F> = { fragments: [], rejects: [], recognized: [] };
  let open: { group: RawRowGroup; seq: number; records: CustomerRecord[]; mixed: boolean } | undefined;
  const dirty = new Set<RawRowGroup>();
  const flush = () => {
    if (!open) return;
    const whole = !open.mixed && !dirty.has(open.group) && open.records.length === open.group.rows.length;
    out.fragments.push(made({ seq: open.seq, record: combineFragments(open.records), ...(whole ? { sourceHash: open.group.sourceHash } : {}) }));
    open = undefined;
  };
  for (const group of groups) {
    if (group.code !== '' && recognized.has(group.code)) {
      flush();
      out.recognized.push({ seq: group.rows[0]!.line, externalId: group.code, sourceHash: group.sourceHash });
      continue;
    }
    for (const raw of group.rows) {
      const mapped = mapRow(raw);
      if (!mapped.ok) {
        out.rejects.push(mapped.reject);
        dirty.add(group);
        continue;
      }
      if (open && open.records[0]!.externalId !== mapped.record.externalId) flush();
      if (!open) open = { group, seq: raw.line, records: [], mixed: false };
      else if (open.group !== group) open.mixed = true;
      if (mapped.record.externalId !== group.code) dirty.add(group);
      open.records.push(mapped.record);
    }
  }
  flush();
  return out;
}
