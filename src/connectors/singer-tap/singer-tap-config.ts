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
    /**
     * For `incremental`: the stream's field the tap resumes from (`updated_at`), set in the catalog as
     * `replication-method: INCREMENTAL` with this `replication-key`. Taps that choose their own
     * (Singer SDK taps) need none; database taps (pipelinewise-tap-postgres) do. Default: none.
     */
    replicationKey: z.string().min(1).optional(),
  })
  .superRefine(requireCommand)
  .superRefine((config, ctx) => {
    if (config.replicationKey !== undefined && config.syncMode !== 'incremental') {
      ctx.addIssue({ code: 'custom', path: ['replicationKey'], message: 'a replication key is for incremental reads: set syncMode: incremental, or leave replicationKey out' });
    }
  });

/** A `singer-tap` connector as configured. */
export type SingerTapConnectorConfig = z.infer<typeof singerTapConnectorSchema>;
