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

/** The name a catalog stream is read by. */
export const streamName = (stream: SingerCatalogStream): string => stream.stream ?? stream.tap_stream_id;

/** The catalog with only the stream selected (and, for a full-table read, replicated whole). */
export function selectedCatalog(streams: readonly SingerCatalogStream[], stream: string, syncMode: 'full_table' | 'incremental'): { streams: SingerCatalogStream[] } {
  return {
    streams: streams.map((s) => {
      const chosen = streamName(s) === stream;
      const metadata = [...(s.metadata ?? [])];
      const top = metadata.findIndex((m) => m.breadcrumb.length === 0);
      const extra = chosen && syncMode === 'full_table' ? { 'replication-method': 'FULL_TABLE' } : {};
      const entry = { breadcrumb: [], metadata: { ...(top >= 0 ? metadata[top]!.metadata : {}), selected: chosen, ...extra } };
      if (top >= 0) metadata[top] = entry;
      else metadata.push(entry);
      return { ...s, ...(chosen && syncMode === 'full_table' ? { replication_method: 'FULL_TABLE' } : {}), metadata };
    }),
  };
}

/** The events of a tap's read of one stream: its records, its SCHEMA, its states (each the whole state to pass back), lines that are no message. */
export async function* singerReadEvents(run: SourceRun, args: readonly string[], stream: string, options: SourceRunOptions): AsyncGenerator<SourceEvent> {
  let position = 0;
  for await (const raw of sourceRunLines(run, args, options)) {
    position++;
    const line = parseSingerLine(raw);
    if (!line.ok) {
      yield { kind: 'garbage', position, line: raw, reason: line.reason };
      continue;
    }
    const message = line.message;
    if (message.type === 'RECORD' && message.stream === stream) yield { kind: 'record', position, data: message.record };
    else if (message.type === 'SCHEMA' && message.stream === stream) yield { kind: 'schema', schema: message.schema };
    else if (message.type === 'STATE') yield { kind: 'state', state: JSON.stringify(message.value) };
  }
}
