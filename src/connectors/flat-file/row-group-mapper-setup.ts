import { delimitedRowParser, type DelimitedFormat, type RawDelimitedRow } from './delimited-reader.js';
import type { TemplateHeader } from './template-header.js';
import { mapTemplateRow, type TemplateRowContext, type TemplateRowResult } from './template-row-mapper.js';

/** What a file's rows are mapped with, on whichever thread maps them. */
export interface RowGroupMapperSetup {
  header: TemplateHeader;
  rowContext: TemplateRowContext;
  readerOptions: DelimitedFormat;
}

/** Maps one raw row of the file: its fields parsed, then mapped by the template. */
export function rowMapperOf(setup: RowGroupMapperSetup): (raw: RawDelimitedRow) => TemplateRowResult {
  const parse = delimitedRowParser(setup.readerOptions);
  return (raw) => mapTemplateRow(parse(raw), setup.header, setup.rowContext);
}
