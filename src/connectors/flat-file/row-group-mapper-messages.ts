import type { RecognizedCustomer } from '../connector.js';
import type { RejectedRecord } from '../../domain/customer-record.js';
import type { DelimitedReaderOptions } from './delimited-reader.js';
import type { PackedRowGroups } from './packed-row-groups.js';
import type { TemplateHeader } from './template-header.js';
import type { TemplateRowContext } from './template-row-mapper.js';
import type { WireFragment } from './written-fragments.js';

/** What the mapping thread maps a file's rows with. */
export interface RowGroupMapperSetup {
  header: TemplateHeader;
  rowContext: TemplateRowContext;
  readerOptions: Pick<DelimitedReaderOptions, 'delimiter' | 'quote' | 'encoding'>;
}

/** A page of groups to map; `recognized`: the customer codes not to map. */
export interface MapRequest {
  id: number;
  groups: PackedRowGroups;
  recognized: string[];
}

/** A mapped page, or why it could not be mapped. */
export type MapReply =
  | { id: number; mapped: { fragments: WireFragment[]; rejects: RejectedRecord[]; recognized: RecognizedCustomer[] }; failed?: undefined }
  | { id: number; failed: { name: string; message: string }; mapped?: undefined };
