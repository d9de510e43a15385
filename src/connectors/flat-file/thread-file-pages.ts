import type { MappedGroups } from './customer-row-groups.js';
import { digestsOf, type FilePages } from './file-pages.js';
import { packedFirstLines, packedPageEnd, packedRowCount, type PackedRowGroups } from './packed-row-groups.js';
import type { RawRowPagesSetup } from './raw-row-pages.js';
import { readPackedPagesOnThread } from './read-rows-on-thread.js';
import { threadRowGroupMapper, type RowGroupMapper } from './row-group-mapper.js';
import type { RowGroupMapperSetup } from './row-group-mapper-setup.js';

/** Pages the reading thread reads past those taken: enough that the next is there when it is taken. */
const READ_AHEAD = 2;

/** A page whose customers were all recognized: nothing to map. */
function allRecognized(page: PackedRowGroups): MappedGroups {
  const lines = packedFirstLines(page);
  return { fragments: [], rejects: [], recognized: page.groups.map((g, i) => ({ seq: lines[i]!, externalId: g.code, sourceHash: g.sourceHash })) };
}

/**
 * A large file read on one thread and mapped on another, so the calling thread only recognizes
 * and stages. The mapping thread starts with the first page that has a customer to map: an
 * unchanged snapshot never starts it.
 */
export function threadFilePages(reading: RawRowPagesSetup, mapping: RowGroupMapperSetup): FilePages {
  let mapper: RowGroupMapper | undefined;
  return {
    async *pages() {
      for await (const page of readPackedPagesOnThread(reading, READ_AHEAD)) {
        yield {
          digests: digestsOf(page.groups),
          read: packedRowCount(page),
          end: packedPageEnd(page, reading.start),
          map: (recognized) => {
            if (page.groups.every((g) => g.code !== '' && recognized.has(g.code))) return Promise.resolve(allRecognized(page));
            return (mapper ??= threadRowGroupMapper(mapping)).map(page, recognized);
          },
        };
      }
    },
    close: async () => {
      await mapper?.close();
    },
  };
}
