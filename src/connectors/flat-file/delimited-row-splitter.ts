/**
 * Finds the rows of a delimited file as byte ranges, before any field is parsed. Written by
 * hand: it must agree exactly with the field parser of `delimited-reader.ts` on where a row
 * ends (a line feed inside a quoted field does not end it; a quote inside an unquoted field is
 * text), and it finds those ends with `Buffer.indexOf`, about thirty times faster than parsing
 * every field, so rows can be recognized by their bytes and parsed only when needed.
 */
import { DelimitedParseError } from './delimited-parse-error.js';

/** A row of a delimited file as it is in the file. */
export interface RawDelimitedRow {
  /** The row's bytes with its line terminator (none for a last row without one). */
  bytes: Buffer;
  /** 1-based physical line on which the row starts. */
  line: number;
  /** Line on which the next row starts (a quoted field may hold line breaks). */
  nextLine: number;
  /** Byte offset just after this row's line terminator. */
  endOffset: number;
}

const LF = 0x0a;
const CR = 0x0d;
/** scanRow: the row does not end within the buffer. */
const INCOMPLETE = -1;
/** scanRow: the buffer ends inside a quoted field. */
const IN_QUOTES = -2;

/** Splits pushed chunks into rows; see {@link readDelimitedRows} for the quoting rules it follows. */
export class RowSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Absolute file offset of `buf[0]`. */
  private bufOffset: number;
  private rowStart = 0;
  private line: number;
  /** Lines a quoted field of the row last scanned spans beyond its first. */
  private extraLines = 0;
  /** Cache of `buf.indexOf(quote, quoteFrom)`: valid for any search from `quoteFrom` up to `quoteAt`. */
  private quoteFrom = Number.MAX_SAFE_INTEGER;
  private quoteAt = -1;
  private readonly rows: RawDelimitedRow[] = [];

  constructor(
    private readonly delimiter: number,
    private readonly quote: number,
    private readonly skipEmptyLines: boolean,
    private readonly maxRowBytes: number,
    startOffset: number,
    startLine: number,
  ) {
    this.bufOffset = startOffset;
    this.line = startLine;
  }

  /** Skips bytes before any data has been pushed (a byte-order mark). */
  skipBytes(count: number): void {
    this.bufOffset += count;
  }

  /** Adds a chunk and returns the rows it completed. */
  push(chunk: Buffer): RawDelimitedRow[] {
    if (this.rowStart >= this.buf.length) {
      this.bufOffset += this.buf.length;
      this.buf = chunk;
    } else {
      this.bufOffset += this.rowStart;
      this.buf = Buffer.concat([this.buf.subarray(this.rowStart), chunk]);
    }
    this.rowStart = 0;
    this.quoteFrom = Number.MAX_SAFE_INTEGER;
    this.split(false);
    if (this.buf.length - this.rowStart > this.maxRowBytes) {
      throw new DelimitedParseError(`row starting on line ${this.line} is longer than ${this.maxRowBytes} bytes; is a quote left unterminated?`, this.line);
    }
    return this.rows.splice(0);
  }

  /** Finishes the input and returns the last row, if the file does not end with a line terminator. */
  end(): RawDelimitedRow[] {
    this.split(true);
    return this.rows.splice(0);
  }

  private split(atEof: boolean): void {
    const len = this.buf.length;
    while (this.rowStart < len) {
      const end = this.scanRow(this.rowStart, atEof);
      if (end === IN_QUOTES && atEof) {
        throw new DelimitedParseError(`quoted field starting on line ${this.line} is not terminated before the end of the file`, this.line);
      }
      if (end < 0) return;
      this.finishRow(end);
    }
  }

  /** Index of the next quote at or after `from`, or -1. */
  private nextQuote(from: number): number {
    if (from < this.quoteFrom || (this.quoteAt >= 0 && from > this.quoteAt)) {
      this.quoteFrom = from;
      this.quoteAt = this.buf.indexOf(this.quote, from);
    }
    return this.quoteAt;
  }

  /**
   * Where the row starting at `start` ends: the index of its line feed, `buf.length` for a last
   * row at the end of the file, or INCOMPLETE / IN_QUOTES. Sets `extraLines`.
   */
  private scanRow(start: number, atEof: boolean): number {
    const buf = this.buf;
    const len = buf.length;
    let p = start;
    this.extraLines = 0;
    for (;;) {
      const lf = buf.indexOf(LF, p);
      const limit = lf < 0 ? len : lf;
      let q = this.nextQuote(p);
      // Only a quote that starts a field opens quoting; elsewhere it is text.
      while (q >= 0 && q < limit && q !== start && buf[q - 1] !== this.delimiter) q = this.nextQuote(q + 1);
      if (q < 0 || q >= limit) return lf >= 0 ? lf : atEof ? len : INCOMPLETE;
      let close = this.nextQuote(q + 1);
      for (;;) {
        if (close < 0) return IN_QUOTES;
        if (close + 1 >= len) {
          if (!atEof) return INCOMPLETE;
          break;
        }
        if (buf[close + 1] !== this.quote) break;
        close = this.nextQuote(close + 2);
      }
      for (let at = buf.indexOf(LF, q + 1); at >= 0 && at < close; at = buf.indexOf(LF, at + 1)) this.extraLines++;
      p = close + 1;
    }
  }

  /** Completes the row from `rowStart` whose terminator (a line feed, or the end of the file) is at `terminator`. */
  private finishRow(terminator: number): void {
    const buf = this.buf;
    const start = this.rowStart;
    const endIndex = terminator < buf.length ? terminator + 1 : terminator;
    let contentEnd = terminator;
    if (contentEnd > start && buf[contentEnd - 1] === CR) contentEnd--;
    const line = this.line;
    const nextLine = line + 1 + this.extraLines;
    this.rowStart = endIndex;
    this.line = nextLine;
    if (contentEnd === start && this.skipEmptyLines) return;
    this.rows.push({ bytes: buf.subarray(start, endIndex), line, nextLine, endOffset: this.bufOffset + endIndex });
  }
}
