import type { Connector, ConnectorInput, ConnectorPage, ListOptions, ReadOptions } from '../connector.js';
import { mappingOf } from '../record-mapping/mapping-presets.js';
import { recordMapper } from '../record-mapping/map-record.js';
import { writePrivateFiles } from './private-files.js';
import type { SourceCommandConfig } from './source-command-config.js';
import type { SourceEvent } from './source-events.js';
import { sourceRecordPages } from './source-record-pages.js';
import { sourceRun, type SourceRun, type SourceRunOptions } from './source-run.js';

/** A stream ready to be read: its JSON schema, and the files and arguments of the read. */
export interface PreparedRead {
  schema: Record<string, unknown>;
  /** JSON files the read needs besides config and state (its catalog), written privately. */
  files: Record<string, unknown>;
  /** The read's arguments, given the paths of the config, the files and (when there is one) the state. */
  args(paths: Record<string, string>): string[];
  /** The names the source's messages give the stream (a Singer tap's `tap_stream_id` and `stream`). */
  streamNames: string[];
}

/** How one protocol (Airbyte's, Singer's) discovers and reads a stream. */
export interface SourceProtocol {
  type: string;
  /** What the process is, in messages ("airbyte source"). */
  kind: string;
  /** Discovers the stream (an InputError when it is not there, or cannot be read as configured). */
  prepare(run: SourceRun, stream: string, options: SourceRunOptions): Promise<PreparedRead>;
  /** The events of a read run with these arguments. */
  events(run: SourceRun, args: readonly string[], streamNames: readonly string[], options: SourceRunOptions): AsyncIterable<SourceEvent>;
}

/** How long a stream's discovery (its schema, the catalog a read is given) is used for the next reads. */
const DISCOVERY_KEPT_MS = 10 * 60_000;

/**
 * A source process's stream as customers. Every run reads the stream once (one input): a
 * snapshot read (no state) is a full snapshot; an incremental read passes the state the last
 * completed run ended with and is a delta. The read discovers the stream (again after ten minutes),
 * then runs the source with its config, its catalog and the state in private files. A retried read runs the source
 * again from the same state and skips the records staged before (a source emits the same records
 * in the same order for the same state and data).
 */
export function createSourceProcessConnector(name: string, config: SourceCommandConfig & { incremental: boolean }, protocol: SourceProtocol): Connector {
  const mapper = recordMapper(mappingOf(config.mapping));
  const listing = `stream ${config.stream}`;
  // Discovery starts the source once more (seconds for a Python source): its answer serves the reads of the next minutes.
  let discovered: { at: number; prepared: PreparedRead } | undefined;
  const prepare = async (run: SourceRun, options: SourceRunOptions): Promise<PreparedRead> => {
    if (discovered && Date.now() - discovered.at < DISCOVERY_KEPT_MS) return discovered.prepared;
    const prepared = await protocol.prepare(run, config.stream, options);
    discovered = { at: Date.now(), prepared };
    return prepared;
  };
  return {
    name,
    type: protocol.type,
    consumesInputs: false,
    listInputs(options: ListOptions = {}): Promise<ConnectorInput[]> {
      if (!config.incremental) return Promise.resolve([{ name: listing, checksum: 'live', kind: 'full' }]);
      const since = options.since;
      return Promise.resolve([{ name: since === undefined ? listing : `${listing} since its last state`, checksum: 'live', kind: 'delta', ...(since !== undefined ? { since } : {}) }]);
    },
    async *read(input: ConnectorInput, options: ReadOptions): AsyncIterable<ConnectorPage> {
      const configured = sourceRun(name, protocol.kind, config);
      const run = options.silenceTimeoutMs === undefined ? configured : { ...configured, silenceTimeoutMs: options.silenceTimeoutMs };
      const runOptions: SourceRunOptions = {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onLog ? { onLog: options.onLog } : {}),
        ...(options.alive ? { alive: options.alive } : {}),
      };
      const prepared = await prepare(run, runOptions);
      const state = input.since === undefined ? undefined : (JSON.parse(input.since) as unknown);
      const files = await writePrivateFiles({ config: run.config, ...prepared.files, ...(state !== undefined ? { state } : {}) });
      try {
        yield* sourceRecordPages(protocol.events(run, prepared.args(files.paths), prepared.streamNames, runOptions), {
          origin: listing,
          label: run.label,
          mapper,
          schema: prepared.schema,
          pageSize: options.pageSize,
          ...(options.cursor ? { after: Number(options.cursor) } : {}),
        });
      } finally {
        await files.remove();
      }
    },
  };
}
