import { printableText } from '../../domain/storable-values.js';
import type { DelimitedRow } from './delimited-reader.js';

/**
 * Why a file's first line is not text a header can be read from (a binary file, the wrong
 * encoding), or undefined when it is text.
 */
export function headerTextProblem(row: DelimitedRow, encoding: string): string | undefined {
  const nul = row.raw.indexOf('\u0000');
  if (nul >= 0) return `not a text file: NUL bytes at byte ${Buffer.byteLength(row.raw.slice(0, nul)) + 1} of the first line`;
  if (!row.undecodable) return undefined;
  const replaced = encoding === 'utf8' ? row.raw.indexOf('\uFFFD') : -1;
  const where = replaced >= 0 ? `at byte ${Buffer.byteLength(row.raw.slice(0, replaced)) + 1}` : `in column ${row.undecodable.field + 1}`;
  return `not a text file: bytes invalid in ${encoding} ${where} of the first line (${row.undecodable.reason})`;
}

/** The first line as messages quote it: at most 120 characters, control characters visible. */
export function quoteFirstLine(raw: string): string {
  const shown = raw.length > 120 ? `${raw.slice(0, 120)}…` : raw;
  return JSON.stringify(printableText(shown));
}
