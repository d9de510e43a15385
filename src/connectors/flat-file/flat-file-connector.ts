import { join, posix } from 'node:path';
import type { FlatFileConnectorConfig } from './flat-file-config.js';
import type { Connector, ConnectorInput, ConnectorPage, ReadOptions } from '../connector.js';
import type { ListedFile } from '../file-transports/file-transport.js';
import { InputError } from '../input-error.js';
import { DelimitedParseError, delimitedRowParser, readHeaderRow, readRawDelimitedRowBatches, type RawDelimitedRow } from './delimited-reader.js';
import { customerCodeOfRow, RawRowGrouper, sourceHashSeed, type MappedGroups, type RawRowGroup } from './customer-row-groups.js';
import { headerTextProblem, quoteFirstLine } from './header-text.js';
import { compileFileNamePattern } from './file-name-pattern.js';
import { compileTimestampPattern, fileNameTimestamp } from './file-name-timestamp.js';
import { flatFileTransport } from './flat-file-transport.js';
import { loadReferenceData, type ReferenceData } from './reference-data.js';
import { parseTemplateHeader, TemplateHeaderError } from './template-header.js';
import { inProcessRowGroupMapper, threadRowGroupMapper, type RowGroupMapper } from './row-group-mapper.js';

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
  /** Its last row: the page's cursor is past it. */
  last: RawDelimitedRow | undefined;
  mapped: Promise<MappedGroups>;
}

/** Options of {@link createFlatFileConnector}. */
export interface FlatFileConnectorOptions {
  /** Files of at least this many bytes are mapped on a thread of their own (`row-group-mapper.ts`); default 8 MiB. */
  mapOnThreadFromBytes?: number;
}

const MAP_ON_THREAD_FROM_BYTES = 8 * 1024 * 1024;

/**
 * The file's rows; a file the reader cannot go on with (a quote never closed, a row larger
 * than the reader takes) is an input error naming the file and line: no retry can fix it.
 */
async function* readRowsOf(fileName: string, path: string, options: Parameters<typeof readRawDelimitedRowBatches>[1]): AsyncIterable<RawDelimitedRow[]> {
  try {
    yield* readRawDelimitedRowBatches(path, options);
  } catch (error) {
    if (error instanceof DelimitedParseError) throw new InputError(`${fileName}: ${error.message}; the rows before it were read`);
    throw error;
  }
}

/**
 * Reads standard-template flat files from a local folder or an SFTP server: one row per
 * address, rows of one customer grouped by `customer_code`.
 */
export function createFlatFileConnector(name: string, config: FlatFileConnectorConfig, connectorOptions: FlatFileConnectorOptions = {}): Connector {
  const mapOnThreadFromBytes = connectorOptions.mapOnThreadFromBytes ?? MAP_ON_THREAD_FROM_BYTES;
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
      const parse = delimitedRowParser(readerOptions);
      const nullMarkers = config.nullMarkers?.length ? new Set(config.nullMarkers.map((m) => m.trim().toLowerCase())) : undefined;
      const keyOptions = {
        codeIndex: header.columns.get('customer_code') ?? -1,
        delimiter: config.delimiter.charCodeAt(0),
        quote: config.quote.charCodeAt(0),
        ...(nullMarkers ? { nullMarkers } : {}),
      };
      const seed = sourceHashSeed({
        options: { ...readerOptions, nullMarkers: config.nullMarkers, booleans: config.booleans, columns: config.columns },
        referenceData: refData,
        header: headerRow.row.raw,
      });
      const grouper = new RawRowGrouper(seed, (raw) => customerCodeOfRow(raw, keyOptions, parse));
      const setup = { header, rowContext, readerOptions };
      const mapper: RowGroupMapper = (input.size ?? 0) >= mapOnThreadFromBytes ? threadRowGroupMapper(setup) : inProcessRowGroupMapper(setup);
      let groups: RawRowGroup[] = [];
      let read = 0;
      let last: RawDelimitedRow | undefined;
      /** Closes the page read so far; its customers are recognized, then mapped, while the next page is read. */
      const closePage = (): PendingPage => {
        const page = groups;
        const digests = page.flatMap((g) => (g.code !== '' ? [{ externalId: g.code, sourceHash: g.sourceHash }] : []));
        const recognized = options.recognize && digests.length > 0 ? options.recognize(digests) : Promise.resolve(new Set<string>());
        const mapped = recognized.then((known) => mapper.map(page, known));
        mapped.catch(() => undefined);
        const closed = { read, last, mapped };
        groups = [];
        read = 0;
        return closed;
      };
      const page = async (closed: PendingPage): Promise<ConnectorPage> => {
        const mapped = await closed.mapped;
        const cursor: FlatFileCursor = closed.last ? { offset: closed.last.endOffset, line: closed.last.nextLine } : start;
        return {
          fragments: mapped.fragments,
          rejects: mapped.rejects,
          ...(mapped.recognized.length > 0 ? { recognized: mapped.recognized } : {}),
          read: closed.read,
          cursor: JSON.stringify(cursor),
          ...firstPage(),
        };
      };
      const pending: PendingPage[] = [];
      try {
        for await (const rows of readRowsOf(input.name, path, { ...readerOptions, startOffset: start.offset, startLine: start.line })) {
          for (const raw of rows) {
            const ended = grouper.add(raw);
            if (ended) {
              groups.push(ended);
              if (groups.length >= options.pageSize) {
                pending.push(closePage());
                if (pending.length > PAGES_AHEAD) yield await page(pending.shift()!);
              }
            }
            last = raw;
            read++;
          }
        }
        const ended = grouper.finish();
        if (ended) groups.push(ended);
        pending.push(closePage());
        for (const closed of pending) yield await page(closed);
      } finally {
        await mapper.close();
      }
    },
  };
}
