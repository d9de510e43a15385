import { z } from 'zod';
import { ASPECTS } from '../domain/customer-record.js';

const name = z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, 'use lowercase letters, digits, - and _');

export const flatFileConnectorSchema = z.strictObject({
  type: z.literal('flat-file'),
  /** Folder the files are read from (relative paths resolve against the config file). */
  folder: z.string().min(1),
  /** Glob (`*`, `?`) or `/regex/` the file names must match; default `*customer*.{txt,csv}`. */
  pattern: z.string().min(1).default('*customer*.{txt,csv}'),
  /** Field delimiter; default `|`. */
  delimiter: z.string().length(1).default('|'),
  /** Quote character; default `"`. */
  quote: z.string().length(1).default('"'),
  /** File encoding; default `utf8`. */
  encoding: z.enum(['utf8', 'latin1', 'utf16le']).default('utf8'),
  /** JSON file with the reference data rows are validated against. */
  referenceData: z.string().min(1).optional(),
  /** Template field name → column name in the file, for files that differ from the standard template. */
  columns: z.record(z.string(), z.string()).optional(),
});

export const jsonlFileConnectorSchema = z.strictObject({
  type: z.literal('jsonl-file'),
  /** A JSON-lines file: one customer record per line. */
  path: z.string().min(1),
});

export const connectorSchema = z.discriminatedUnion('type', [flatFileConnectorSchema, jsonlFileConnectorSchema]);

const aspects = z.array(z.enum(ASPECTS)).min(1);

export const matchBySchema = z.enum(['sourceId', 'externalId', 'email', 'vatNumber']).or(
  z.string().regex(/^attribute:.+$/, 'use sourceId, externalId, email, vatNumber or attribute:<key>'),
);

export const sourceStepSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('current') }),
  z.strictObject({ type: z.literal('connector'), connector: name, aspects }),
]);

export const enrichmentStepSchema = z.strictObject({
  connector: name,
  aspects,
  /** How the step's records are matched to customers; default `sourceId`. */
  matchBy: matchBySchema.default('sourceId'),
});

export const flowSchema = z.strictObject({
  source: sourceStepSchema,
  enrichments: z.array(enrichmentStepSchema).default([]),
  /** `full` snapshots or `delta` changes; default `full`. */
  mode: z.enum(['full', 'delta']).default('full'),
  /** Customers merged and written per chunk; default 1000. */
  chunkSize: z.number().int().min(1).max(10_000).default(1000),
  /** Records staged per page while reading a connector; default 1000. */
  pageSize: z.number().int().min(1).max(50_000).default(1000),
  /** Chunks merged before a run continues as a new execution (keeps histories short); default 400. */
  chunksPerExecution: z.number().int().min(1).max(2_000).default(400),
});

export const configSchema = z.strictObject({
  connectors: z.record(name, connectorSchema),
  flows: z.record(name, flowSchema),
});

/**
 * Problems zod cannot see one field at a time: flows naming connectors that do not
 * exist, and flows that could never change anything. Works on the raw document, so
 * these are reported together with every schema problem.
 */
export function crossReferenceProblems(raw: unknown): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const doc = (raw ?? {}) as { connectors?: unknown; flows?: unknown };
  const connectors = doc.connectors && typeof doc.connectors === 'object' ? Object.keys(doc.connectors) : [];
  if (!doc.flows || typeof doc.flows !== 'object') return problems;
  for (const [flowName, flow] of Object.entries(doc.flows as Record<string, unknown>)) {
    const f = (flow ?? {}) as { source?: { type?: unknown; connector?: unknown }; enrichments?: unknown };
    const refs: { connector: unknown; path: (string | number)[] }[] = [];
    if (f.source?.type === 'connector') refs.push({ connector: f.source.connector, path: ['source', 'connector'] });
    const enrichments = Array.isArray(f.enrichments) ? (f.enrichments as { connector?: unknown }[]) : [];
    enrichments.forEach((e, i) => refs.push({ connector: e?.connector, path: ['enrichments', i, 'connector'] }));
    for (const ref of refs) {
      if (typeof ref.connector === 'string' && !connectors.includes(ref.connector)) {
        problems.push({
          path: ['flows', flowName, ...ref.path],
          message: `unknown connector "${ref.connector}"; defined: ${connectors.join(', ') || 'none'}`,
        });
      }
    }
    if (f.source?.type === 'current' && enrichments.length === 0) {
      problems.push({
        path: ['flows', flowName, 'enrichments'],
        message: 'a flow with source "current" needs at least one enrichment step',
      });
    }
  }
  return problems;
}

export type CustsyncConfig = z.infer<typeof configSchema>;
export type ConnectorConfig = z.infer<typeof connectorSchema>;
export type FlatFileConnectorConfig = z.infer<typeof flatFileConnectorSchema>;
export type JsonlFileConnectorConfig = z.infer<typeof jsonlFileConnectorSchema>;
export type FlowConfig = z.infer<typeof flowSchema>;
export type MatchBy = z.infer<typeof matchBySchema>;
