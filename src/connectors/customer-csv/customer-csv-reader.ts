import { closest, distance } from 'fastest-levenshtein';
import type { RejectedRecord } from '../../domain/customer-record.js';
import type { ConnectorPage, StagedFragment } from '../connector.js';
import { readDelimitedRows, readHeaderRow, DelimitedParseError } from '../flat-file/delimited-reader.js';
import { headerTextProblem, quoteFirstLine } from '../flat-file/header-text.js';
import { firstUnstorableField, unstorableTextReason } from '../../domain/storable-values.js';
import { InputError } from '../input-error.js';
import { CUSTOMER_CSV_COLUMN_NAMES, type CustomerCsvColumnName } from './customer-csv-columns.js';
import { customerCsvRowToRecord } from './customer-csv-row.js';

/** The header of an import file: its columns in order, and where its rows start. */
export interface CustomerCsvHeader {
  columns: CustomerCsvColumnName[];
  dataOffset: number;
}

const OPTIONS = { delimiter: ',', quote: '"', encoding: 'utf8' } as const;

/**
 * Reads and checks an import file's header: every column must be one of the layout's
 * (an unknown one is refused with the closest known name), none twice, `source_id` present.
 * @throws InputError naming every problem
 */
export async function readCustomerCsvHeader(path: string): Promise<CustomerCsvHeader> {
  let header;
  try {
    header = await readHeaderRow(path, OPTIONS);
  } catch (error) {
    if (error instanceof DelimitedParseError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError(`${path}: ${(error as Error).message}`);
    }
    throw error;
  }
  const notText = headerTextProblem(header.row, OPTIONS.encoding);
  if (notText) throw new InputError(`${path}: ${notText}; the first line holds ${quoteFirstLine(header.row.raw)}`);
  const problems: string[] = [];
  const columns = header.row.fields.map((f) => f.trim().toLowerCase());
  columns.forEach((column, i) => {
    if (!(CUSTOMER_CSV_COLUMN_NAMES as string[]).includes(column)) {
      const near = closest(column, CUSTOMER_CSV_COLUMN_NAMES);
      const hint = distance(near, column) <= Math.max(2, Math.floor(column.length / 4)) ? `; did you mean ${near}?` : '';
      problems.push(`column ${i + 1} (${column || 'empty'}) is not an import column${hint}`);
    } else if (columns.indexOf(column) !== i) problems.push(`column ${i + 1} (${column}) appears twice`);
  });
  if (!columns.includes('source_id')) problems.push('there is no source_id column: each row needs the customer’s source id');
  if (problems.length > 0) {
    throw new InputError(
      `${path}: the header cannot be used: ${problems.join('; ')}. Import columns: ${CUSTOMER_CSV_COLUMN_NAMES.join(', ')}. ` +
        `The first line holds ${quoteFirstLine(header.row.raw)}`,
    );
  }
  return { columns: columns as CustomerCsvColumnName[], dataOffset: header.endOffset };
}

/** Where a read stands: the byte offset and line after the last row read. */
interface CsvCursor {
  offset: number;
  line: number;
}

/**
 * Reads an import file in pages of customer records. A row with problems is rejected with
 * its line and every reason; a source_id seen on an earlier line is rejected too (one row
 * per customer). The cursor is the byte offset after the page, so a retry resumes there.
 */
export async function* readCustomerCsv(path: string, inputName: string, options: { cursor?: string; pageSize: number }): AsyncIterable<ConnectorPage> {
  const { columns, dataOffset } = await readCustomerCsvHeader(path);
  const index = new Map(columns.map((c, i) => [c, i]));
  const start: CsvCursor = options.cursor ? (JSON.parse(options.cursor) as CsvCursor) : { offset: dataOffset, line: 2 };
  const firstLine = new Map<string, number>();
  if (start.offset > dataOffset) {
    // Resuming: the source ids already read are needed to spot repeats.
    for await (const row of readDelimitedRows(path, { ...OPTIONS, startOffset: dataOffset, startLine: 2 })) {
      if (row.endOffset > start.offset) break;
      const id = row.fields[index.get('source_id')!]?.trim();
      if (id && !firstLine.has(id)) firstLine.set(id, row.line);
    }
  }

  let fragments: StagedFragment[] = [];
  let rejects: RejectedRecord[] = [];
  let read = 0;
  let cursor = start;
  const page = (): ConnectorPage => {
    const out = { fragments, rejects, read, cursor: JSON.stringify(cursor) };
    fragments = [];
    rejects = [];
    read = 0;
    return out;
  };
  try {
    for await (const row of readDelimitedRows(path, { ...OPTIONS, startOffset: start.offset, startLine: start.line })) {
      read++;
      cursor = { offset: row.endOffset, line: row.line + 1 };
      const reject = (field: string | undefined, reason: string, externalId?: string) =>
        rejects.push({ source: inputName, line: row.line, ...(externalId ? { externalId } : {}), ...(field ? { field } : {}), reason, raw: row.raw.slice(0, 2_000) });
      const rowSourceId = row.fields[index.get('source_id')!]?.trim() || undefined;
      const unstorable = firstUnstorableField(row.fields);
      if (row.undecodable) {
        reject(columns[row.undecodable.field], `${columns[row.undecodable.field] ?? 'a column'}: ${row.undecodable.reason}`, rowSourceId);
      } else if (row.fields.length !== columns.length) {
        reject(undefined, `the row has ${row.fields.length} fields, the header ${columns.length}`, rowSourceId);
      } else if (unstorable >= 0) {
        const column = columns[unstorable]!;
        reject(column, `${column} ${unstorableTextReason(row.fields[unstorable]!)!}`, rowSourceId);
      } else {
        const result = customerCsvRowToRecord(
          (column) => (index.has(column) ? row.fields[index.get(column)!] : undefined),
          (column) => index.has(column),
        );
        const sourceId = row.fields[index.get('source_id')!]?.trim();
        const earlier = sourceId ? firstLine.get(sourceId) : undefined;
        if (!result.ok) reject(result.fields.join(', '), result.reasons.join('; '), sourceId);
        else if (earlier !== undefined) reject('source_id', `source_id: ${sourceId} is already on line ${earlier}; one row per customer`, sourceId);
        else fragments.push({ seq: row.line, record: result.record });
        if (sourceId && earlier === undefined) firstLine.set(sourceId, row.line);
      }
      if (fragments.length + rejects.length >= options.pageSize) yield page();
    }
  } catch (error) {
    if (error instanceof DelimitedParseError) throw new InputError(`${inputName}: ${error.message}${error.line ? ` (line ${error.line})` : ''}`);
    throw error;
  }
  yield page();
}
