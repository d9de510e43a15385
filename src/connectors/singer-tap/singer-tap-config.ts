import { z } from 'zod';
import { requireCommand, sourceCommandFields } from '../source-process/source-command-config.js';

/** A Singer tap (a process writing SCHEMA, RECORD and STATE messages) whose stream's records are customers. */
export const singerTapConnectorSchema = z
  .strictObject({
    type: z.literal('singer-tap'),
    ...sourceCommandFields,
    /**
     * `full_table` (default): every run reads the whole stream, without state: a full snapshot.
     * `incremental`: every run passes the state the last completed run ended with and reads what
     * the tap emits from there, a delta.
     */
    syncMode: z.enum(['full_table', 'incremental']).default('full_table'),
  })
  .superRefine(requireCommand);

/** A `singer-tap` connector as configured. */
export type SingerTapConnectorConfig = z.infer<typeof singerTapConnectorSchema>;
