import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlatFileConnectorConfig } from '../../config/config-schema.js';
import type { CustomerRecord, RejectedRecord } from '../../domain/customer-record.js';
import { combineFragments } from '../../merge/index.js';
import type { Connector, ConnectorInput, ConnectorPage, ReadOptions, StagedFragment } from '../connector.js';
import { fileChecksum } from '../file-checksum.js';
import { InputError } from '../input-error.js';
import { readDelimitedRows, readHeaderRow } from './delimited-reader.js';
import { compileFileNamePattern } from './file-name-pattern.js';
import { loadReferenceData, type ReferenceData } from './reference-data.js';
import { parseTemplateHeader, TemplateHeaderError } from './template-header.js';
import { mapTemplateRow } from './template-row-mapper.js';

interface FlatFileCursor {
  offset: number;
  line: number;
}

/**
 * Reads standard-template flat files from a local folder: one row per address,
 * rows of one customer grouped by `customer_code`.
 */
export function createFlatFileConnector(name: string, config: FlatFileConnectorConfig): Connector {
  const pattern = compileFileNamePattern(config.pattern);
  const deltaPattern = compileFileNamePattern(config.deltaPattern);
  const kindOf = (file: string): 'full' | 'delta' => config.kind ?? (deltaPattern.test(file) ? 'delta' : 'full');
  const readerOptions = { delimiter: config.delimiter, quote: config.quote, encoding: config.encoding };
  let referenceData: Promise<ReferenceData | undefined> | undefined;
  const reference = () =>
    (referenceData ??= config.referenceData
      ? loadReferenceData(config.referenceData).catch((error: unknown) => {
          referenceData = undefined;
          throw new InputError(`connector ${name}: reference data ${config.referenceData}: ${(error as Error).message}`);
        })
      : Promise.resolve(undefined));

  return {
    name,
    type: 'flat-file',
    consumesInputs: true,
    async listInputs(): Promise<ConnectorInput[]> {
      let entries: string[];
      try {
        entries = await readdir(config.folder);
      } catch {
        throw new InputError(`connector ${name}: folder ${config.folder} cannot be read; check "folder" in the config`);
      }
      const present = new Set(entries);
      const files = entries.filter(
        (f) =>
          pattern.test(f) &&
          /\.(txt|csv)$/i.test(f) &&
          // An uploader that writes a done-marker has finished the file only once the marker is there.
          (config.doneMarker === undefined || present.has(`${f}${config.doneMarker}`)),
      );
      const youngest = Date.now() - config.minAge;
      const listed = await Promise.all(
        files.map(async (file) => {
          const path = join(config.folder, file);
          const info = await stat(path);
          // Modified too recently: still being written; a later run reads it.
          if (info.mtimeMs > youngest) return undefined;
          return { name: file, checksum: await fileChecksum(path), size: info.size, mtime: info.mtimeMs };
        }),
      );
      const inputs = listed.filter((i) => i !== undefined);
      // Oldest first: names carry the export timestamp; the modification time breaks ties.
      inputs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.mtime - b.mtime));
      return inputs.map(({ name: file, checksum, size }) => ({ name: file, checksum, size, kind: kindOf(file) }));
    },
    async afterProcessed(input: ConnectorInput): Promise<void> {
      if (config.afterProcessing === 'leave') return;
      const path = join(config.folder, input.name);
      const marker = config.doneMarker ? [`${input.name}${config.doneMarker}`] : [];
      try {
        if (config.afterProcessing === 'delete') {
          await rm(path, { force: true });
          for (const m of marker) await rm(join(config.folder, m), { force: true });
          return;
        }
        const archive = config.archiveFolder ?? join(config.folder, 'archive');
        await mkdir(archive, { recursive: true });
        await rename(path, join(archive, input.name)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
        for (const m of marker) await rm(join(config.folder, m), { force: true });
      } catch (error) {
        throw new Error(`connector ${name}: cannot ${config.afterProcessing} ${input.name}: ${(error as Error).message}`, { cause: error });
      }
    },
    async *read(input: ConnectorInput, options: ReadOptions): AsyncIterable<ConnectorPage> {
      const path = join(config.folder, input.name);
      const refData = await reference();
      let headerRow;
      try {
        headerRow = await readHeaderRow(path, readerOptions);
      } catch (error) {
        throw new InputError(`${input.name}: cannot read the header row: ${(error as Error).message}`);
      }
      let header;
      try {
        header = parseTemplateHeader(headerRow.row.fields, config.columns);
      } catch (error) {
        if (error instanceof TemplateHeaderError) throw new InputError(`${input.name}: ${error.message}`);
        throw error;
      }
      const start: FlatFileCursor = options.cursor
        ? (JSON.parse(options.cursor) as FlatFileCursor)
        : { offset: headerRow.endOffset, line: headerRow.row.line + 1 };

      let fragments: StagedFragment[] = [];
      let rejects: RejectedRecord[] = [];
      let group: CustomerRecord[] = [];
      let groupSeq = 0;
      const flushGroup = () => {
        if (group.length > 0) fragments.push({ seq: groupSeq, record: combineFragments(group) });
        group = [];
      };
      let lastEnd = start.offset;
      let nextLine = start.line;
      let read = 0;
      for await (const row of readDelimitedRows(path, { ...readerOptions, startOffset: start.offset, startLine: start.line })) {
        const mapped = mapTemplateRow(row, header, { fileName: input.name, referenceData: refData });
        if (mapped.ok && group.length > 0 && group[0]!.externalId !== mapped.record.externalId) {
          flushGroup();
          if (fragments.length >= options.pageSize) {
            const cursor: FlatFileCursor = { offset: lastEnd, line: row.line };
            yield { fragments, rejects, read, cursor: JSON.stringify(cursor) };
            fragments = [];
            rejects = [];
            read = 0;
          }
        }
        if (mapped.ok) {
          if (group.length === 0) groupSeq = row.line;
          group.push(mapped.record);
        } else {
          rejects.push(mapped.reject);
        }
        lastEnd = row.endOffset;
        nextLine = row.line + (row.raw.match(/\n/g)?.length ?? 0) + 1;
        read++;
      }
      flushGroup();
      yield { fragments, rejects, read, cursor: JSON.stringify({ offset: lastEnd, line: nextLine } satisfies FlatFileCursor) };
    },
  };
}
