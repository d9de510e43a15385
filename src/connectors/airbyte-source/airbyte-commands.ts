import { InputError } from '../input-error.js';
import { withPrivateFiles } from '../source-process/private-files.js';
import type { SourceRun, SourceRunOptions } from '../source-process/source-run.js';
import type { AirbyteMessage } from './airbyte-message.js';
import { airbyteLines } from './airbyte-process.js';

type MessageOf<Type extends AirbyteMessage['type']> = Extract<AirbyteMessage, { type: Type }>;
export type AirbyteCatalog = MessageOf<'CATALOG'>['catalog'];
export type AirbyteStream = AirbyteCatalog['streams'][number];

/** Runs a command and returns the first message of the type it answers with. */
async function answer<Type extends AirbyteMessage['type']>(run: SourceRun, args: readonly string[], type: Type, options: SourceRunOptions): Promise<MessageOf<Type>> {
  const other: string[] = [];
  for await (const line of airbyteLines(run, args, options)) {
    if (line.ok && line.message.type === type) return line.message as MessageOf<Type>;
    if (other.length < 3) other.push(line.raw.slice(0, 200));
  }
  throw new InputError(`${run.label}: \`${args[0]}\` answered with no ${type} message${other.length > 0 ? `; it wrote:\n${other.join('\n')}` : ''}`);
}

/** The source's spec: the JSON schema its config must match. */
export async function airbyteSpec(run: SourceRun, options: SourceRunOptions = {}): Promise<Record<string, unknown>> {
  return (await answer(run, ['spec'], 'SPEC', options)).spec.connectionSpecification;
}

/** Whether the source can connect with its config, as its `check` says. */
export async function airbyteCheck(run: SourceRun, options: SourceRunOptions = {}): Promise<{ ok: boolean; message?: string }> {
  const status = await withPrivateFiles({ config: run.config }, (paths) => answer(run, ['check', '--config', paths.config!], 'CONNECTION_STATUS', options));
  const message = status.connectionStatus.message ?? undefined;
  return { ok: status.connectionStatus.status === 'SUCCEEDED', ...(message ? { message } : {}) };
}

/** The streams the source has with its config, as its `discover` says. */
export async function airbyteDiscover(run: SourceRun, options: SourceRunOptions = {}): Promise<AirbyteCatalog> {
  return (await withPrivateFiles({ config: run.config }, (paths) => answer(run, ['discover', '--config', paths.config!], 'CATALOG', options))).catalog;
}

/** The stream of the catalog, or an InputError naming the streams there are. */
export function streamOf(catalog: AirbyteCatalog, stream: string, label: string): AirbyteStream {
  const found = catalog.streams.find((s) => s.name === stream);
  if (!found) throw new InputError(`${label}: no stream "${stream}"; the source has: ${catalog.streams.map((s) => s.name).join(', ') || 'none'}`);
  return found;
}

/** The configured catalog of a read of one stream in a sync mode. */
export function configuredCatalog(stream: AirbyteStream, syncMode: 'full_refresh' | 'incremental'): Record<string, unknown> {
  return {
    streams: [
      {
        stream,
        sync_mode: syncMode,
        destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
        ...(stream.default_cursor_field ? { cursor_field: stream.default_cursor_field } : {}),
        ...(stream.source_defined_primary_key ? { primary_key: stream.source_defined_primary_key } : {}),
      },
    ],
  };
}
