import { join, posix } from 'node:path';
import type { FlatFileConnectorConfig } from './flat-file-config.js';
import type { Connector, ConnectorInput, ConnectorPage, ReadOptions } from '../connector.js';
import type { ListedFile } from '../file-transports/file-transport.js';
import { InputError } from '../input-error.js';
import { readHeaderRow } from './delimited-reader.js';
import { sourceHashSeed, type MappedGroups } from './customer-row-groups.js';
import { inProcessFilePages, type FilePage } from './file-pages.js';
import { headerTextProblem, quoteFirstLine } from './header-text.js';
import { compileFileNamePattern } from './file-name-pattern.js';
import { compileTimestampPattern, fileNameTimestamp } from './file-name-timestamp.js';
import { flatFileTransport } from './flat-file-transport.js';
import { loadReferenceData, type ReferenceData } from './reference-data.js';
import { parseTemplateHeader, TemplateHeaderError } from './template-header.js';
import type { RawRowPagesSetup } from './raw-row-pages.js';
import { threadFilePages } from './thread-file-pages.js';

interface FlatFileCursor {
  offset: number;
  line: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pages being recognized and mapped while the page before them is staged: the lookups (a round
 * trip each) overlap one another, and the mapping thread has the next page as it ends one.
 */
const PAGES_AHEAD = 2;

/** A page whose rows are all read, its customers being recognized, then mapped. */
interface PendingPage {
  read: number;
  end: FlatFileCursor;
  mapped: Promise<MappedGroups>;
}

/** Options of {@link createFlatFileConnector}. */
export interface FlatFileConnectorOptions {
  /** Files of at least this many bytes are read on a thread of their own and mapped on another (`thread-file-pages.ts`); default 8 MiB. */
  threadsFromBytes?: number;
}

const THREADS_FROM_BYTES = 8 * 1024 * 1024;

/**
 * Reads standard-template flat files from a local folder or an SFTP server: one row per
 * address, rows of one customer grouped by `customer_code`.
 */
export function createFlatFileConnector(name: string, config: FlatFileConnectorConfig, connectorOptions: FlatFileConnectorOptions = {}): Connector {
  const threadsFromBytes = connectorOptions.threadsFromBytes ?? THREADS_FROM_BYTES;
  const patternOptions = { caseInsensitive: config.caseInsensitive };
  const pattern = compileFileNamePattern(config.pattern, patternOptions);
  const deltaPattern = compileFileNamePattern(config.deltaPattern, patternOptions);
  const timestampPattern = config.timestampPattern === false ? undefined : compileTimestampPattern(config.timestampPattern);
  const kindOf = (file: string): 'full' | 'delta' => config.kind ?? (deltaPattern.test(file) ? 'delta' : 'full');
  const readerOptions = { delimiter: config.delimiter, quote: config.quote, encoding: config.encoding };
  const transport = flatFileTransport(name, config);
  const referenceFile = typeof config.referenceData === 'string' ? config.referenceData : undefined;
  let referenceData: Promise<ReferenceData | undefined> | undefined;
  const reference = () =>
    (referenceData ??= referenceFile
      ? loadReferenceData(referenceFile).catch((error: unknown) => {
          referenceData = undefined;
          throw new InputError(`connector ${name}: reference data ${referenceFile}: ${(error as Error).message}`);
        })
      : // Inline reference data was validated with the config.
        Promise.resolve(typeof config.referenceData === 'object' ? config.referenceData : undefined));

  /** Files ready to read: matching, complete by every configured test, oldest first. */
  const readyFiles = async (): Promise<ListedFile[]> => {
    const listed = await transport.list();
    const present = new Set(listed.map((f) => f.name));
    const youngest = Date.now() - config.minAge;
    let ready = listed.filter(
      (f) =>
        pattern.test(f.name) &&
        /\.(txt|csv)$/i.test(f.name) &&
        // An uploader that writes a done-marker has finished the file only once the marker is there.
        (config.doneMarker === undefined || present.has(`${f.name}${config.doneMarker}`)) &&
        // Modified too recently: still being written; a later run reads it. (The clock counts whole
        // milliseconds, a file's time finer: one written within the current millisecond is not younger.)
        Math.floor(f.mtimeMs) <= youngest,
    );
    if (config.stabilityInterval > 0 && ready.length > 0) {
      await sleep(config.stabilityInterval);
      const again = new Map((await transport.list()).map((f) => [f.name, f]));
      ready = ready.filter((f) => again.get(f.name)?.size === f.size && again.get(f.name)?.mtimeMs === f.mtimeMs);
    }
    const time = (f: ListedFile) => (timestampPattern && fileNameTimestamp(f.name, timestampPattern)) ?? f.mtimeMs;
    return ready.sort((a, b) => time(a) - time(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };

  return {
    name,
    type: 'flat-file',
    consumesInputs: true,
    async listInputs(): Promise<ConnectorInput[]> {
      const inputs: ConnectorInput[] = [];
      for (const file of await readyFiles()) {
        const { checksum } = await transport.fetch(file);
        inputs.push({ name: file.name, checksum, size: file.size, kind: kindOf(file.name) });
      }
      return inputs;
    },
    async afterProcessed(input: ConnectorInput): Promise<void> {
      if (config.afterProcessing === 'leave') return;
      const names = [input.name, ...(config.doneMarker ? [`${input.name}${config.doneMarker}`] : [])];
      try {
        if (config.afterProcessing === 'delete') await transport.remove(names);
        else {
          const archive = config.archiveFolder ?? (config.sftp ? posix.join(config.folder, 'archive') : join(config.folder, 'archive'));
          await transport.archive([input.name], archive);
          if (config.doneMarker) await transport.remove(names.slice(1));
        }
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw new Error(`connector ${name}: cannot ${config.afterProcessing} ${input.name}: ${(error as Error).message}`, { cause: error });
      }
    },
    async *read(input: ConnectorInput, options: ReadOptions): AsyncIterable<ConnectorPage> {
      const path = await transport.fetchListed(input.name, input.checksum);
      const refData = await reference();
      let headerRow;
      try {
        headerRow = await readHeaderRow(path, readerOptions);
      } catch (error) {
        throw new InputError(`${input.name}: cannot read the header row: ${(error as Error).message}`);
      }
      const notText = headerTextProblem(headerRow.row, config.encoding);
      if (notText) throw new InputError(`${input.name}: ${notText}; the first line holds ${quoteFirstLine(headerRow.row.raw)}`);
      let header;
      try {
        header = parseTemplateHeader(headerRow.row.fields, config.columns);
      } catch (error) {
        if (error instanceof TemplateHeaderError) {
          throw new InputError(`${input.name}: ${error.message}\nthe first line holds ${quoteFirstLine(headerRow.row.raw)}`);
        }
        throw error;
      }
      const start: FlatFileCursor = options.cursor
        ? (JSON.parse(options.cursor) as FlatFileCursor)
        : { offset: headerRow.endOffset, line: headerRow.row.line + 1 };

      const rowContext = {
        fileName: input.name,
        referenceData: refData,
        nullMarkers: config.nullMarkers,
        booleans: config.booleans,
      };
      let warned = false;
      const firstPage = () => {
        if (warned || header.warnings.length === 0) return {};
        warned = true;
        return { warnings: header.warnings };
      };
      const reading: RawRowPagesSetup = {
        fileName: input.name,
        path,
        readerOptions,
        start,
        pageSize: options.pageSize,
        codeIndex: header.columns.get('customer_code') ?? -1,
        nullMarkers: (config.nullMarkers ?? []).map((m) => m.trim().toLowerCase()),
        seed: sourceHashSeed({
          options: { ...readerOptions, nullMarkers: config.nullMarkers, booleans: config.booleans, columns: config.columns },
          referenceData: refData,
          header: headerRow.row.raw,
        }),
      };
      const mapping = { header, rowContext, readerOptions };
      const file = (input.size ?? 0) >= threadsFromBytes ? threadFilePages(reading, mapping) : inProcessFilePages(reading, mapping);
      /** Starts recognizing a page's customers, then mapping it, while the next page is read. */
      const pending = (page: FilePage): PendingPage => {
        const recognized = options.recognize && page.digests.length > 0 ? options.recognize(page.digests) : Promise.resolve(new Set<string>());
        const mapped = recognized.then((known) => page.map(known));
        mapped.catch(() => undefined);
        return { read: page.read, end: page.end, mapped };
      };
      const done = async (page: PendingPage): Promise<ConnectorPage> => {
        const mapped = await page.mapped;
        return {
          fragments: mapped.fragments,
          rejects: mapped.rejects,
          ...(mapped.recognized.length > 0 ? { recognized: mapped.recognized } : {}),
          read: page.read,
          cursor: JSON.stringify({ offset: page.end.offset, line: page.end.line } satisfies FlatFileCursor),
          ...firstPage(),
        };
      };
      const ahead: PendingPage[] = [];
      try {
        for await (const page of file.pages()) {
          ahead.push(pending(page));
          if (ahead.length > PAGES_AHEAD) yield await done(ahead.shift()!);
        }
        for (const page of ahead) yield await done(page);
      } finally {
        await file.close();
      }
    },
  };
}
