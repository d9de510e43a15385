import { z } from 'zod';

export const jsonlFileConnectorSchema = z.strictObject({
  type: z.literal('jsonl-file'),
  /** A JSON-lines file: one customer record per line. */
  path: z.string().min(1),
  /** Whether the file holds every customer (`full`, default) or only changed ones (`delta`). */
  kind: z.enum(['full', 'delta']).default('full'),
});

/** A `jsonl-file` connector as configured. */
export type JsonlFileConnectorConfig = z.infer<typeof jsonlFileConnectorSchema>;
