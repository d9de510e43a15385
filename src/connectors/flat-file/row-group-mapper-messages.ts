import type { RecognizedCustomer } from '../connector.js';
import type { RejectedRecord } from '../../domain/customer-record.js';
import type { ThreadFailure } from './connector-threads.js';
import type { PackedRowGroups } from './packed-row-groups.js';
import type { WireFragment } from './written-fragments.js';

/** A page of groups to map; `recognized`: the customer codes not to map. */
export interface MapRequest {
  id: number;
  groups: PackedRowGroups;
  recognized: string[];
}

/** A mapped page, or why it could not be mapped. */
export type MapReply =
  | { id: number; mapped: { fragments: WireFragment[]; rejects: RejectedRecord[]; recognized: RecognizedCustomer[] }; failed?: undefined }
  | { id: number; failed: ThreadFailure; mapped?: undefined };
