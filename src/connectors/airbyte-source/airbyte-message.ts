import { z } from 'zod';
import { parseProtocolLine, type ProtocolLine } from '../source-process/protocol-line.js';

/**
 * The messages an Airbyte source writes to stdout, one JSON object a line (the Airbyte
 * Protocol). Envelopes are loose: the protocol lets a message carry fields it does not define,
 * and a source of a newer protocol version adds some. A record's `data` is checked later, by
 * the stream's schema and the mapping.
 */
const streamDescriptor = z.looseObject({ name: z.string(), namespace: z.string().nullish() });

export const airbyteMessageSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('RECORD'),
    record: z.looseObject({ stream: z.string(), data: z.record(z.string(), z.unknown()), emitted_at: z.number().optional(), namespace: z.string().nullish() }),
  }),
  z.looseObject({
    type: z.literal('STATE'),
    state: z.looseObject({
      type: z.enum(['STREAM', 'GLOBAL', 'LEGACY']).optional(),
      stream: z.looseObject({ stream_descriptor: streamDescriptor, stream_state: z.unknown().optional() }).optional(),
      global: z.unknown().optional(),
      data: z.unknown().optional(),
    }),
  }),
  z.looseObject({ type: z.literal('LOG'), log: z.looseObject({ level: z.string(), message: z.string(), stack_trace: z.string().nullish() }) }),
  z.looseObject({
    type: z.literal('TRACE'),
    trace: z.looseObject({
      type: z.string(),
      emitted_at: z.number().optional(),
      error: z.looseObject({ message: z.string(), internal_message: z.string().nullish(), stack_trace: z.string().nullish(), failure_type: z.string().nullish() }).optional(),
    }),
  }),
  z.looseObject({ type: z.literal('SPEC'), spec: z.looseObject({ connectionSpecification: z.record(z.string(), z.unknown()), documentationUrl: z.string().nullish() }) }),
  z.looseObject({ type: z.literal('CONNECTION_STATUS'), connectionStatus: z.looseObject({ status: z.enum(['SUCCEEDED', 'FAILED']), message: z.string().nullish() }) }),
  z.looseObject({
    type: z.literal('CATALOG'),
    catalog: z.looseObject({
      streams: z.array(
        z.looseObject({
          name: z.string(),
          namespace: z.string().nullish(),
          json_schema: z.record(z.string(), z.unknown()),
          supported_sync_modes: z.array(z.enum(['full_refresh', 'incremental'])).optional(),
          source_defined_cursor: z.boolean().nullish(),
          default_cursor_field: z.array(z.string()).nullish(),
          source_defined_primary_key: z.array(z.array(z.string())).nullish(),
        }),
      ),
    }),
  }),
  z.looseObject({ type: z.literal('CONTROL'), control: z.looseObject({ type: z.string() }) }),
]);
export type AirbyteMessage = z.output<typeof airbyteMessageSchema>;

/** Reads one line of the source's stdout. */
export const parseAirbyteLine = (line: string): ProtocolLine<AirbyteMessage> => parseProtocolLine(line, airbyteMessageSchema, 'an Airbyte message');
