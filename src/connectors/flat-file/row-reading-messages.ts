import type { ThreadFailure } from './connector-threads.js';
import type { PackedRowGroups } from './packed-row-groups.js';

/** To the reading thread: it may read `more` pages past those it has sent. */
export interface ReadMore {
  more: number;
}

/** From the reading thread: a page, the end of the file, or why it cannot go on. */
export type ReadReply = { page: PackedRowGroups } | { done: true } | { failed: ThreadFailure };
