import { InputError } from '../input-error.js';
import type { SourceEvent } from '../source-process/source-events.js';
import { sourceLogLevel } from '../source-process/source-events.js';
import { maskSecrets, SourceProcessError } from '../source-process/source-process-lines.js';
import { sourceRunLines, type SourceRun, type SourceRunOptions } from '../source-process/source-run.js';
import { parseAirbyteLine, type AirbyteMessage } from './airbyte-message.js';

/** One line of an Airbyte source's stdout: a message or why it is not one, with its position. */
export type AirbyteLine = { position: number; raw: string } & ({ ok: true; message: AirbyteMessage } | { ok: false; reason: string });


/**
 * Runs one command of an Airbyte source (`spec`, `check --config …`, `read …`) and yields its
 * stdout's lines as messages. A TRACE error the source reports becomes the failure (its own
 * message; a `config_error` fails without retry); LOG messages and stderr go to `onLog`.
 */
export async function* airbyteLines(run: SourceRun, args: readonly string[], options: SourceRunOptions = {}): AsyncGenerator<AirbyteLine> {
  let position = 0;
  let traced: { message: string; config: boolean } | undefined;
  try {
    for await (const raw of sourceRunLines(run, args, options)) {
      position++;
      const line = parseAirbyteLine(raw);
      if (line.ok && line.message.type === 'TRACE' && line.message.trace.type === 'ERROR' && line.message.trace.error) {
        const error = line.message.trace.error;
        traced ??= { message: maskSecrets(error.message, run.secrets), config: error.failure_type === 'config_error' };
        options.onLog?.('error', maskSecrets(`${error.message}${error.internal_message ? ` (${error.internal_message})` : ''}`, run.secrets));
        continue;
      }
      if (line.ok && line.message.type === 'LOG') {
        options.onLog?.(sourceLogLevel(line.message.log.level), maskSecrets(line.message.log.message, run.secrets));
        continue;
      }
      yield { position, raw, ...line };
    }
  } catch (error) {
    if (traced && error instanceof SourceProcessError) throw tracedError(run, traced, error);
    throw error;
  }
  if (traced) throw tracedError(run, traced);
}

function tracedError(run: SourceRun, traced: { message: string; config: boolean }, cause?: Error): Error {
  const message = `${run.label} failed: ${traced.message}${cause ? ` (${cause.message.split('\n')[0]})` : ''}`;
  return traced.config ? new InputError(`${message}; fix the connector's config`) : new SourceProcessError(message);
}

/** The events of an Airbyte `read` for one stream: its records, its states (as the state to pass back), lines that are no message. */
export async function* airbyteReadEvents(lines: AsyncIterable<AirbyteLine>, stream: string): AsyncGenerator<SourceEvent> {
  const states = new Map<string, unknown>();
  let legacy: unknown;
  for await (const line of lines) {
    if (!line.ok) {
      yield { kind: 'garbage', position: line.position, line: line.raw, reason: line.reason };
      continue;
    }
    const message = line.message;
    if (message.type === 'RECORD') {
      if (message.record.stream === stream) yield { kind: 'record', position: line.position, data: message.record.data };
    } else if (message.type === 'STATE') {
      const state = message.state;
      if (state.type === 'STREAM' && state.stream) states.set(JSON.stringify([state.stream.stream_descriptor.name, state.stream.stream_descriptor.namespace ?? null]), state);
      else if (state.type === 'GLOBAL') states.set('global', state);
      else legacy = state.data;
      yield { kind: 'state', state: JSON.stringify(states.size > 0 ? [...states.values()] : legacy) };
    }
  }
}
