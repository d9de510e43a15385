/**
 * Maps a large flat file's pages of row groups on a thread of its own: parsing fields, mapping
 * and combining rows and writing each record's jsonb text run beside the reading and the staging.
 * Written over `worker_threads` by hand: a page is one message each way, its bytes moved, not
 * copied, and pages come back in the order they went; no pool library keeps a file's pages in
 * order on one thread that holds the file's header and reference data.
 */
import type { MappedGroups } from './customer-row-groups.js';
import { errorOf, startConnectorThread } from './connector-threads.js';
import type { PackedRowGroups } from './packed-row-groups.js';
import type { MapReply, MapRequest } from './row-group-mapper-messages.js';
import type { RowGroupMapperSetup } from './row-group-mapper-setup.js';
import { fragmentsFromWire } from './written-fragments.js';

/** Maps packed pages of row groups on a thread; customers `recognized` names are listed, not mapped. */
export interface RowGroupMapper {
  /** Maps a page; its bytes move to the thread. */
  map(groups: PackedRowGroups, recognized: ReadonlySet<string>): Promise<MappedGroups>;
  /** Stops the thread. */
  close(): Promise<void>;
}

/** Maps pages on a thread started now, in the order they are given. */
export function threadRowGroupMapper(setup: RowGroupMapperSetup): RowGroupMapper {
  const thread = startConnectorThread('row-group-mapper-thread', setup);
  const waiting = new Map<number, { resolve: (mapped: MappedGroups) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  let closed = false;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  thread.on('message', (reply: MapReply) => {
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (!w) return;
    if (reply.failed) w.reject(errorOf(reply.failed, "mapping the file's rows"));
    else w.resolve({ fragments: fragmentsFromWire(reply.mapped.fragments), rejects: reply.mapped.rejects, recognized: reply.mapped.recognized });
  });
  thread.on('error', failAll);
  thread.on('exit', (code) => {
    if (!closed) failAll(new Error(`the thread mapping the file's rows stopped (exit code ${code}); the rows before the page it was mapping were staged`));
  });
  return {
    map(groups, recognized) {
      if (failure) return Promise.reject(failure);
      const request: MapRequest = { id: nextId++, groups, recognized: [...recognized] };
      return new Promise((resolve, reject) => {
        waiting.set(request.id, { resolve, reject });
        thread.postMessage(request, [groups.bytes, groups.rows.buffer as ArrayBuffer]);
      });
    },
    async close() {
      closed = true;
      await thread.terminate();
    },
  };
}
