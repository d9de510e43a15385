import { z } from 'zod';
import { parseProtocolLine, type ProtocolLine } from '../source-process/protocol-line.js';

/**
 * The messages a Singer tap writes to stdout, one JSON object a line (the Singer
 * specification): a stream's SCHEMA before its records, RECORDs, and STATE, the bookmark to
 * resume from. Taps log to stderr. Envelopes are loose: taps add fields of their own.
 */
export const singerMessageSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('SCHEMA'),
    stream: z.string(),
    schema: z.record(z.string(), z.unknown()),
    key_properties: z.array(z.string()),
    bookmark_properties: z.array(z.string()).nullish(),
  }),
  z.looseObject({ type: z.literal('RECORD'), stream: z.string(), record: z.record(z.string(), z.unknown()), time_extracted: z.string().nullish() }),
  z.looseObject({ type: z.literal('STATE'), value: z.unknown() }),
  z.looseObject({ type: z.literal('ACTIVATE_VERSION'), stream: z.string(), version: z.number() }),
  z.looseObject({ type: z.literal('BATCH'), stream: z.string() }),
]);
export type SingerMessage = z.output<typeof singerMessageSchema>;

/** Reads one line of the tap's stdout. */
export const parseSingerLine = (line: string): ProtocolLine<SingerMessage> => parseProtocolLine(line, singerMessageSchema, 'a Singer message');
