import { createReadStream } from 'node:fs';
import { DelimitedParseError } from './delimited-parse-error.js';
import { RowSplitter, type RawDelimitedRow } from './delimited-row-splitter.js';
import { decodeBytes, TEXT_ENCODINGS, type Decoded, type TextEncoding } from './text-encodings.js';

export { DelimitedParseError } from './delimited-parse-error.js';
export type { RawDelimitedRow } from './delimited-row-splitter.js';

/** One parsed row of a delimited file. */
export interface DelimitedRow {
  /** The row's field values, unquoted and unescaped. */
  fields: string[];
  /** 1-based physical line on which the row starts. */
  line: number;
  /** Byte offset just after this row's line terminator; pass it as `startOffset` to resume after this row. */
  endOffset: number;
  /** The row's text as it appears in the file, without its line terminator. */
  raw: string;
  /** The first field whose bytes are not valid in the file's encoding (its value is left empty), and why. */
  undecodable?: { field: number; reason: string };
}

/** Options of {@link readDelimitedRows} and {@link readHeaderRow}. */
export interface DelimitedReaderOptions {
  /** Field separator, a single ASCII character. Default `'|'`. */
  delimiter?: string;
  /** Quote character, a single ASCII character. Default `'"'`. */
  quote?: string;
  /** Text encoding of the file (see `TEXT_ENCODINGS`). Bytes invalid in it are reported per row, never replaced. Default `'utf8'`. */
  encoding?: TextEncoding;
  /** Byte offset at which to start reading, normally a previous row's `endOffset`. Default `0`. */
  startOffset?: number;
  /** Line number of the row found at `startOffset`. Default `1`. */
  startLine?: number;
  /** Size of the chunks read from disk, in bytes. Default `262144` (256 KiB). */
  highWaterMark?: number;
  /** Skip rows whose line is completely empty (they still count as lines). Default `true`. */
  skipEmptyLines?: boolean;
  /** Largest row accepted, in bytes; guards against an unterminated quote swallowing the file. Default `16777216` (16 MiB). */
  maxRowBytes?: number;
}

/** A file's format as the reader needs it wherever the file is read or its rows parsed: delimiter, quote, encoding. */
export type DelimitedFormat = Pick<DelimitedReaderOptions, 'delimiter' | 'quote' | 'encoding'>;

/** The field separator when none is given. */
export const DEFAULT_DELIMITER = '|';
/** The quote character when none is given. */
export const DEFAULT_QUOTE = '"';

const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf] as const;

const DEFAULT_HIGH_WATER_MARK = 256 * 1024;
const DEFAULT_MAX_ROW_BYTES = 16 * 1024 * 1024;

function singleAsciiByte(value: string, what: string): number {
  const code = value.charCodeAt(0);
  if (value.length !== 1 || code > 0x7f || code === LF || code === CR) {
    throw new DelimitedParseError(`${what} must be a single ASCII character other than CR or LF, got ${JSON.stringify(value)}`);
  }
  return code;
}

/**
 * Parses one row found by the splitter into fields. Field boundaries are found on bytes, so a
 * multi-byte character is decoded once, with its row; a line feed can only be inside quotes.
 */
function parseRawRow(raw: RawDelimitedRow, o: ResolvedOptions): DelimitedRow {
  const buf = raw.bytes;
  const { delimiter, quote, encoding } = o;
  let contentEnd = buf.length;
  if (contentEnd > 0 && buf[contentEnd - 1] === LF) contentEnd--;
  if (contentEnd > 0 && buf[contentEnd - 1] === CR) contentEnd--;

  /** Per field: start, end, quotedStart (-1 when unquoted), quotedEnd, escaped (0/1). */
  const spans: number[] = [];
  let pos = 0;
  for (;;) {
    const start = pos;
    if (pos < contentEnd && buf[pos] === quote) {
      const quotedStart = pos + 1;
      let escaped = 0;
      let close = buf.indexOf(quote, quotedStart);
      // The splitter only yields rows whose quoted fields are closed; a last quote of the file may close at the end.
      while (close >= 0 && close + 1 < contentEnd && buf[close + 1] === quote) {
        escaped = 1;
        close = buf.indexOf(quote, close + 2);
      }
      if (close < 0 || close >= contentEnd) close = contentEnd;
      pos = close + 1;
      while (pos < contentEnd && buf[pos] !== delimiter) pos++;
      spans.push(start, Math.min(pos, contentEnd), quotedStart, close, escaped);
    } else {
      while (pos < contentEnd && buf[pos] !== delimiter) pos++;
      spans.push(start, pos, -1, -1, 0);
    }
    if (pos >= contentEnd) break;
    pos++;
  }

  // Pure ASCII rows map bytes one-to-one onto UTF-16 units: slice the decoded row instead of decoding each field.
  let text: string;
  let ascii: boolean;
  if (encoding === 'utf8') {
    text = buf.toString('utf8', 0, contentEnd);
    ascii = text.length === contentEnd && !text.includes('\uFFFD');
  } else {
    ascii = true;
    for (let i = 0; i < contentEnd && ascii; i++) ascii = buf[i]! < 0x80;
    text = ascii ? buf.toString('latin1', 0, contentEnd) : (decodeBytes(encoding, buf, 0, contentEnd).text ?? buf.toString('latin1', 0, contentEnd));
  }
  const fieldCount = spans.length / 5;
  const fields = new Array<string>(fieldCount);
  let undecodable: DelimitedRow['undecodable'];
  const decode = (f: number, from: number, to: number): string => {
    if (ascii) return text.slice(from, to);
    const decoded: Decoded = decodeBytes(encoding, buf, from, to);
    if (decoded.problem === undefined) return decoded.text;
    undecodable ??= { field: f, reason: decoded.problem };
    return '';
  };
  for (let f = 0, i = 0; f < fieldCount; f++, i += 5) {
    const start = spans[i]!;
    const end = spans[i + 1]!;
    const qStart = spans[i + 2]!;
    if (qStart < 0) {
      fields[f] = decode(f, start, end);
      continue;
    }
    const qEnd = spans[i + 3]!;
    let value = decode(f, qStart, qEnd);
    if (spans[i + 4] === 1) value = value.replaceAll(o.quoteString + o.quoteString, o.quoteString);
    if (end > qEnd + 1) value += decode(f, qEnd + 1, end);
    fields[f] = value;
  }
  return { fields, line: raw.line, endOffset: raw.endOffset, raw: text, ...(undecodable ? { undecodable } : {}) };
}

/** Options checked, with their defaults. */
interface ResolvedOptions {
  delimiter: number;
  quote: number;
  quoteString: string;
  encoding: TextEncoding;
  startOffset: number;
  startLine: number;
  skipEmptyLines: boolean;
  maxRowBytes: number;
  highWaterMark: number;
}

function resolveOptions(options: DelimitedReaderOptions): ResolvedOptions {
  const delimiter = singleAsciiByte(options.delimiter ?? DEFAULT_DELIMITER, 'delimiter');
  const quoteString = options.quote ?? DEFAULT_QUOTE;
  const quote = singleAsciiByte(quoteString, 'quote');
  if (quote === delimiter) throw new DelimitedParseError('delimiter and quote must differ');
  const encoding = options.encoding ?? 'utf8';
  if (!TEXT_ENCODINGS.includes(encoding)) {
    throw new DelimitedParseError(`encoding ${String(encoding)} is not supported; use ${TEXT_ENCODINGS.join(', ')}`);
  }
  const startOffset = options.startOffset ?? 0;
  const startLine = options.startLine ?? 1;
  if (!Number.isSafeInteger(startOffset) || startOffset < 0) {
    throw new DelimitedParseError(`startOffset must be a non-negative integer, got ${startOffset}`);
  }
  if (!Number.isSafeInteger(startLine) || startLine < 1) {
    throw new DelimitedParseError(`startLine must be a positive integer, got ${startLine}`);
  }
  return {
    delimiter,
    quote,
    quoteString,
    encoding,
    startOffset,
    startLine,
    skipEmptyLines: options.skipEmptyLines ?? true,
    maxRowBytes: options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES,
    highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
  };
}

/**
 * Streams the rows of a delimited text file (pipe-separated by default), with
 * RFC 4180-style quoting: quoted fields may contain delimiters, line breaks and
 * doubled quotes. Lines end in LF or CRLF; a UTF-8 byte-order mark at the start of
 * the file is skipped. The file is read in chunks and never held in memory whole.
 *
 * Resume after a row by passing its `endOffset` as `startOffset` and its
 * `line` plus the number of lines it spans as `startLine`.
 *
 * @param filePath path of the file to read
 * @param options see {@link DelimitedReaderOptions}; defaults: delimiter `|`, quote `"`,
 *   encoding `utf8`, startOffset `0`, startLine `1`
 * @throws DelimitedParseError on invalid options, an unterminated quote or an oversized row
 */
export async function* readDelimitedRows(
  filePath: string,
  options: DelimitedReaderOptions = {},
): AsyncGenerator<DelimitedRow, void, undefined> {
  const parse = delimitedRowParser(options);
  for await (const raw of readRawDelimitedRows(filePath, options)) yield parse(raw);
}

/**
 * The rows of a delimited file as bytes, their fields not parsed yet (see {@link delimitedRowParser}):
 * the rows {@link readDelimitedRows} yields, found about thirty times faster.
 *
 * @param options as for {@link readDelimitedRows} (same defaults)
 */
export async function* readRawDelimitedRows(
  filePath: string,
  options: DelimitedReaderOptions = {},
): AsyncGenerator<RawDelimitedRow, void, undefined> {
  for await (const rows of readRawDelimitedRowBatches(filePath, options)) yield* rows;
}

/**
 * The rows of {@link readRawDelimitedRows}, as many at a time as a read of the file holds: a
 * reader that loops over each batch pays for one asynchronous step per read, not per row.
 *
 * @param options as for {@link readDelimitedRows} (same defaults)
 */
export async function* readRawDelimitedRowBatches(
  filePath: string,
  options: DelimitedReaderOptions = {},
): AsyncGenerator<RawDelimitedRow[], void, undefined> {
  const o = resolveOptions(options);
  const splitter = new RowSplitter(o.delimiter, o.quote, o.skipEmptyLines, o.maxRowBytes, o.startOffset, o.startLine);
  const stream = createReadStream(filePath, { start: o.startOffset, highWaterMark: o.highWaterMark });
  // Bytes held back at the start of the file until it is clear whether they are a BOM.
  let head: Buffer | undefined = o.startOffset === 0 && o.encoding === 'utf8' ? Buffer.alloc(0) : undefined;

  try {
    for await (const data of stream) {
      let chunk = data as Buffer;
      if (head !== undefined) {
        head = Buffer.concat([head, chunk]);
        if (head.length < BOM.length && head.every((b, i) => b === BOM[i])) continue;
        chunk = head;
        head = undefined;
        if (chunk[0] === BOM[0] && chunk[1] === BOM[1] && chunk[2] === BOM[2]) {
          splitter.skipBytes(BOM.length);
          chunk = chunk.subarray(BOM.length);
        }
      }
      const rows = splitter.push(chunk);
      if (rows.length > 0) yield rows;
    }
    if (head !== undefined && head.length > 0) {
      const rows = splitter.push(head);
      if (rows.length > 0) yield rows;
    }
    const last = splitter.end();
    if (last.length > 0) yield last;
  } finally {
    stream.destroy();
  }
}

/**
 * Parses raw rows (from {@link readRawDelimitedRows} with the same options) into fields.
 *
 * @param options as for {@link readDelimitedRows}; only delimiter, quote and encoding matter
 */
export function delimitedRowParser(options: DelimitedReaderOptions = {}): (raw: RawDelimitedRow) => DelimitedRow {
  const o = resolveOptions(options);
  return (raw) => parseRawRow(raw, o);
}

/** The header row of a file and where its data rows start. */
export interface HeaderRow {
  /** The file's first row. */
  row: DelimitedRow;
  /** Byte offset just after the header row: pass it as `startOffset` to read the data rows. */
  endOffset: number;
}

/**
 * Reads the first row of a delimited file, normally its header.
 *
 * @param filePath path of the file to read
 * @param options as for {@link readDelimitedRows} (same defaults)
 * @returns the first row and the byte offset at which the data rows start
 * @throws DelimitedParseError when the file has no rows
 */
export async function readHeaderRow(filePath: string, options: DelimitedReaderOptions = {}): Promise<HeaderRow> {
  for await (const row of readDelimitedRows(filePath, options)) return { row, endOffset: row.endOffset };
  throw new DelimitedParseError(`${filePath} is empty: it has no header row`);
}
