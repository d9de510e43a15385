import type { SourceDigest } from '../connector.js';
import { mapRowGroups, type MappedGroups, type RawRowGroup } from './customer-row-groups.js';
import { pageEnd, readRawRowPages, type RawRowPagesSetup } from './raw-row-pages.js';
import { rowMapperOf, type RowGroupMapperSetup } from './row-group-mapper-setup.js';

/** A page of a file's customers, read: to be recognized, then mapped. */
export interface FilePage {
  /** Each customer's code and source hash (customers without a code are left out). */
  digests: SourceDigest[];
  /** Rows the page holds. */
  read: number;
  /** Where the next page's rows start. */
  end: { offset: number; line: number };
  /** Maps the page; the customers `recognized` names are listed, not mapped. Call it once. */
  map(recognized: ReadonlySet<string>): Promise<MappedGroups>;
}

/** A file's pages in order, and what to stop once every page taken is mapped. */
export interface FilePages {
  pages(): AsyncIterable<FilePage>;
  close(): Promise<void>;
}

/** The digests of groups that name a customer. */
export function digestsOf(groups: readonly { code: string; sourceHash: string }[]): SourceDigest[] {
  const digests: SourceDigest[] = [];
  for (const g of groups) if (g.code !== '') digests.push({ externalId: g.code, sourceHash: g.sourceHash });
  return digests;
}

/** A file read and mapped on the calling thread (a small file: starting threads would cost more than they save). */
export function inProcessFilePages(reading: RawRowPagesSetup, mapping: RowGroupMapperSetup): FilePages {
  const mapRow = rowMapperOf(mapping);
  const rowsOf = (groups: readonly RawRowGroup[]) => groups.reduce((n, g) => n + g.rows.length, 0);
  return {
    async *pages() {
      for await (const { groups } of readRawRowPages(reading)) {
        yield {
          digests: digestsOf(groups),
          read: rowsOf(groups),
          end: pageEnd(groups, reading.start),
          map: (recognized) => Promise.resolve(mapRowGroups(groups, recognized, mapRow)),
        };
      }
    },
    close: () => Promise.resolve(),
  };
}
