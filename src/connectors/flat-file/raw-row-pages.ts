import { InputError } from '../input-error.js';
import {
  DEFAULT_DELIMITER,
  DEFAULT_QUOTE,
  DelimitedParseError,
  delimitedRowParser,
  readRawDelimitedRowBatches,
  type DelimitedFormat,
  type RawDelimitedRow,
} from './delimited-reader.js';
import { customerCodeOfRow, RawRowGrouper, type RawRowGroup } from './customer-row-groups.js';

/** What a file's rows are read, grouped and hashed into pages with, on whichever thread reads them. */
export interface RawRowPagesSetup {
  /** The file's name, for errors. */
  fileName: string;
  /** Where the file lies on this machine. */
  path: string;
  readerOptions: DelimitedFormat;
  /** The byte offset and line of the first row to read. */
  start: { offset: number; line: number };
  /** Customers per page. */
  pageSize: number;
  /** Index of `customer_code` in the header (-1: none). */
  codeIndex: number;
  /** Null markers, trimmed and lower-cased. */
  nullMarkers: string[];
  /** The file's source hash seed (`sourceHashSeed`). */
  seed: string;
}

/** A page of a file's customers: their rows' bytes, grouped per customer and hashed. */
export interface RawRowPage {
  groups: RawRowGroup[];
}

/**
 * The file's rows; a file the reader cannot go on with (a quote never closed, a row larger
 * than the reader takes) is an input error naming the file and line: no retry can fix it.
 */
async function* readRowsOf(setup: RawRowPagesSetup): AsyncIterable<RawDelimitedRow[]> {
  try {
    yield* readRawDelimitedRowBatches(setup.path, { ...setup.readerOptions, startOffset: setup.start.offset, startLine: setup.start.line });
  } catch (error) {
    if (error instanceof DelimitedParseError) throw new InputError(`${setup.fileName}: ${error.message}; the rows before it were read`);
    throw error;
  }
}

/**
 * Reads a file's rows from `setup.start` into pages of `pageSize` customers (the last page may
 * hold fewer, and is given even when empty). A page's rows are whole customers: a page ends
 * only where the next row names another customer.
 */
export async function* readRawRowPages(setup: RawRowPagesSetup): AsyncGenerator<RawRowPage, void, undefined> {
  const parse = delimitedRowParser(setup.readerOptions);
  const keyOptions = {
    codeIndex: setup.codeIndex,
    delimiter: (setup.readerOptions.delimiter ?? DEFAULT_DELIMITER).charCodeAt(0),
    quote: (setup.readerOptions.quote ?? DEFAULT_QUOTE).charCodeAt(0),
    ...(setup.nullMarkers.length > 0 ? { nullMarkers: new Set(setup.nullMarkers) } : {}),
  };
  const grouper = new RawRowGrouper(setup.seed, (raw) => customerCodeOfRow(raw, keyOptions, parse));
  let groups: RawRowGroup[] = [];
  for await (const rows of readRowsOf(setup)) {
    for (const raw of rows) {
      const ended = grouper.add(raw);
      if (ended) {
        groups.push(ended);
        if (groups.length >= setup.pageSize) {
          yield { groups };
          groups = [];
        }
      }
    }
  }
  const ended = grouper.finish();
  if (ended) groups.push(ended);
  yield { groups };
}

/** Where a page's cursor points: past its last row, or where the read began for an empty page. */
export function pageEnd(groups: readonly RawRowGroup[], start: { offset: number; line: number }): { offset: number; line: number } {
  const lastGroup = groups.at(-1);
  const last = lastGroup?.rows.at(-1);
  return last ? { offset: last.endOffset, line: last.nextLine } : start;
}
