import { z } from 'zod';
import { requireCommand, sourceCommandFields } from '../source-process/source-command-config.js';

/**
 * An Airbyte source (a process speaking the Airbyte protocol: `spec`, `check`, `discover`,
 * `read`) whose stream's records are customers.
 */
export const airbyteSourceConnectorSchema = z
  .strictObject({
    type: z.literal('airbyte-source'),
    ...sourceCommandFields,
    /**
     * `full_refresh` (default): every run reads the whole stream, a full snapshot (customers no
     * longer in it are missing, through the deletion guard). `incremental`: every run reads what
     * changed since the state the last completed run ended with, a delta.
     */
    syncMode: z.enum(['full_refresh', 'incremental']).default('full_refresh'),
  })
  .superRefine(requireCommand);

/** An `airbyte-source` connector as configured. */
export type AirbyteSourceConnectorConfig = z.infer<typeof airbyteSourceConnectorSchema>;
