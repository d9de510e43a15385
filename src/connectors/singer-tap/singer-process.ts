import { InputError } from '../input-error.js';
import { withPrivateFiles } from '../source-process/private-files.js';
import type { SourceEvent } from '../source-process/source-events.js';
import { sourceRunLines, type SourceRun, type SourceRunOptions } from '../source-process/source-run.js';
import { parseSingerLine } from './singer-message.js';

/** A stream of a tap's catalog, as `--discover` writes it. */
export interface SingerCatalogStream {
  tap_stream_id: string;
  stream?: string;
  schema: Record<string, unknown>;
  metadata?: { breadcrumb: string[]; metadata: Record<string, unknown> }[];
  [key: string]: unknown;
}

/** The tap's catalog, as its `--discover` writes it (one JSON document). */
export async function singerDiscover(run: SourceRun, options: SourceRunOptions = {}): Promise<SingerCatalogStream[]> {
  const text = await withPrivateFiles({ config: run.config }, async (paths) => {
    let out = '';
    for await (const line of sourceRunLines(run, ['--config', paths.config!, '--discover'], options)) out += `${line}\n`;
    return out;
  });
  let catalog: unknown;
  try {
    catalog = JSON.parse(text);
  } catch {
    throw new InputError(`${run.label}: --discover wrote no catalog (not JSON): ${text.slice(0, 200)}`);
  }
  const streams = (catalog as { streams?: unknown } | null)?.streams;
  if (!Array.isArray(streams)) throw new InputError(`${run.label}: --discover wrote no catalog (no streams)`);
  return streams as SingerCatalogStream[];
}

/** The settings schema a Singer SDK tap describes with `--about --format json`; undefined when the tap has no such option. */
export async function singerSettingsSchema(run: SourceRun, options: SourceRunOptions = {}): Promise<Record<string, unknown> | undefined> {
  let out = '';
  try {
    for await (const line of sourceRunLines(run, ['--about', '--format', 'json'], options)) out += `${line}\n`;
    const settings = (JSON.parse(out) as { settings?: unknown }).settings;
    return settings !== null && typeof settings === 'object' ? (settings as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The catalog stream a connector's `stream` names: by its `tap_stream_id` (`public-members`), or
 * by its `stream` name (`members`) when no other stream has that name.
 */
export function findSingerStream(streams: readonly SingerCatalogStream[], name: string, label: string): SingerCatalogStream {
  const byId = streams.find((s) => s.tap_stream_id === name);
  if (byId) return byId;
  const byName = streams.filter((s) => s.stream === name);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new InputError(`${label}: several streams are named "${name}" (${byName.map((s) => s.tap_stream_id).join(', ')}); name one by its tap_stream_id`);
  }
  throw new InputError(`${label}: no stream "${name}"; the tap has: ${streams.map((s) => s.tap_stream_id).join(', ') || 'none'}`);
}

/** The names a stream can be configured by: its `tap_stream_id`, and its `stream` name when that is unique in the catalog. */
export function singerStreamNames(streams: readonly SingerCatalogStream[]): { name: string; stream: SingerCatalogStream }[] {
  const names = streams.map((s) => ({ name: s.tap_stream_id, stream: s }));
  for (const s of streams) {
    if (s.stream !== undefined && s.stream !== s.tap_stream_id && streams.filter((o) => o.stream === s.stream).length === 1) names.push({ name: s.stream, stream: s });
  }
  return names;
}

/** The names the tap's messages may give the stream: its `tap_stream_id` and its `stream` name. */
export const messageStreamNames = (stream: SingerCatalogStream): string[] => [...new Set([stream.tap_stream_id, stream.stream ?? stream.tap_stream_id])];

/** How a read replicates the chosen stream. */
export interface SingerReplication {
  syncMode: 'full_table' | 'incremental';
  /** For an incremental read: the field the tap resumes from, set as the stream's `replication-key` (taps such as pipelinewise-tap-postgres need it). */
  replicationKey?: string | undefined;
}

/**
 * The catalog with only the chosen stream selected: replicated whole for a full-table read, or
 * incrementally by its replication key when one is configured.
 */
export function selectedCatalog(streams: readonly SingerCatalogStream[], chosen: SingerCatalogStream, replication: SingerReplication): { streams: SingerCatalogStream[] } {
  const key = replication.syncMode === 'incremental' ? replication.replicationKey : undefined;
  const methodName = replication.syncMode === 'full_table' ? 'FULL_TABLE' : key !== undefined ? 'INCREMENTAL' : undefined;
  const method = methodName === undefined ? {} : { 'replication-method': methodName, ...(key !== undefined ? { 'replication-key': key } : {}) };
  // Older taps read the method from the stream itself, in snake case.
  const legacy = methodName === undefined ? {} : { replication_method: methodName, ...(key !== undefined ? { replication_key: key } : {}) };
  return {
    streams: streams.map((s) => {
      const selected = s === chosen;
      const metadata = [...(s.metadata ?? [])];
      const top = metadata.findIndex((m) => m.breadcrumb.length === 0);
      const entry = { breadcrumb: [], metadata: { ...(top >= 0 ? metadata[top]!.metadata : {}), selected, ...(selected ? method : {}) } };
      if (top >= 0) metadata[top] = entry;
      else metadata.push(entry);
      return { ...s, ...(selected ? legacy : {}), metadata };
    }),
  };
}

/** The events of a tap's read of one stream: its records, its SCHEMA, its states (each the whole state to pass back), lines that are no message. */
export async function* singerReadEvents(run: SourceRun, args: readonly string[], streamNames: readonly string[], options: SourceRunOptions): AsyncGenerator<SourceEvent> {
  let position = 0;
  for await (const raw of sourceRunLines(run, args, options)) {
    position++;
    const line = parseSingerLine(raw);
    if (!line.ok) {
      yield { kind: 'garbage', position, line: raw, reason: line.reason };
      continue;
    }
    const message = line.message;
    if (message.type === 'RECORD' && streamNames.includes(message.stream)) yield { kind: 'record', position, data: message.record };
    else if (message.type === 'SCHEMA' && streamNames.includes(message.stream)) yield { kind: 'schema', schema: message.schema };
    else if (message.type === 'STATE') yield { kind: 'state', state: JSON.stringify(message.value) };
  }
}
