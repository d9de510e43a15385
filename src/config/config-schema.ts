import { z } from 'zod';
import { ASPECTS } from '../domain/customer-record.js';
import { TEXT_ENCODING_ALIASES, TEXT_ENCODINGS } from '../connectors/flat-file/text-encodings.js';
import { compileFileNamePattern } from '../connectors/flat-file/file-name-pattern.js';
import { compileTimestampPattern, DEFAULT_TIMESTAMP_PATTERN } from '../connectors/flat-file/file-name-timestamp.js';
import { sftpSettingsSchema } from '../connectors/file-transports/sftp-settings.js';
import { referenceDataSchema } from '../connectors/flat-file/reference-data.js';
import { DEFAULT_BOOLEAN_SPELLINGS } from '../connectors/flat-file/template-row-mapper.js';
import { durationSchema } from './duration.js';

const name = z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, 'use lowercase letters, digits, - and _');

const compiles = (compile: (text: string) => unknown) => (text: string, ctx: z.RefinementCtx) => {
  try {
    compile(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
};
const fileNamePattern = z.string().min(1).superRefine(compiles((text) => compileFileNamePattern(text)));

export const flatFileConnectorSchema = z.strictObject({
  type: z.literal('flat-file'),
  /**
   * Folder the files are read from: on this machine (relative paths resolve against the
   * config file), or on the SFTP server when `sftp` is given.
   */
  folder: z.string().min(1),
  /** Read the folder on an SFTP server instead of this machine. */
  sftp: sftpSettingsSchema.optional(),
  /** Glob (`*`, `?`, `{a,b}`) or `/regex/` the file names must match; default `*customer*.{txt,csv}`. */
  pattern: fileNamePattern.default('*customer*.{txt,csv}'),
  /** Match `pattern` and `deltaPattern` regardless of letter case; default false. */
  caseInsensitive: z.boolean().default(false),
  /**
   * `/regex/` capturing year, month, day [, hour, minute, second] of the export time in a
   * file name; files are read oldest first by it, by modification time when a name has none.
   * `false`: by modification time only. Default: `20261101T020000`, `20261101_0200` or `20261101`.
   */
  timestampPattern: z
    .string()
    .superRefine(compiles(compileTimestampPattern))
    .or(z.literal(false))
    .default(DEFAULT_TIMESTAMP_PATTERN),
  /** Field delimiter; default `|`. */
  delimiter: z.string().length(1).default('|'),
  /** Quote character; default `"`. */
  quote: z.string().length(1).default('"'),
  /**
   * File encoding: `utf8` (with or without BOM), `windows-1252` or `iso-8859-1` (aliases utf-8, cp1252,
   * latin1); default `utf8`. A value whose bytes are invalid in it rejects its row, naming line and column.
   */
  encoding: z
    .preprocess(
      (value) => (typeof value === 'string' ? (TEXT_ENCODING_ALIASES[value.toLowerCase()] ?? value.toLowerCase()) : value),
      z.enum(TEXT_ENCODINGS, {
        error: (issue) =>
          typeof issue.input === 'string' && /^utf-?16/i.test(issue.input)
            ? 'UTF-16 files are not supported: export the file as UTF-8 (or Windows-1252)'
            : `use one of ${TEXT_ENCODINGS.join(', ')}`,
      }),
    )
    .default('utf8'),
  /**
   * The reference data rows are validated against: a JSON file (relative paths resolve
   * against the config file), or the data itself inline. Checked when the config is.
   */
  referenceData: z.string().min(1).or(referenceDataSchema).optional(),
  /** Cell values that mean "no value" (compared trimmed and case-insensitively), e.g. `[NULL, "N/A"]`; default none. */
  nullMarkers: z.array(z.string().min(1)).default([]),
  /** How Boolean columns write yes and no (compared case-insensitively); default Y/yes/true/1 and N/no/false/0. */
  booleans: z
    .strictObject({ true: z.array(z.string().min(1)).min(1), false: z.array(z.string().min(1)).min(1) })
    .refine((b) => !b.true.some((t) => b.false.some((f) => f.toLowerCase() === t.toLowerCase())), 'a spelling cannot mean both true and false')
    .default(() => ({ true: [...DEFAULT_BOOLEAN_SPELLINGS.true], false: [...DEFAULT_BOOLEAN_SPELLINGS.false] })),
  /** Template field name → column name in the file, for files that differ from the standard template. */
  columns: z.record(z.string(), z.string()).optional(),
  /** Every file is a `full` snapshot or a `delta`; unset: files matching `deltaPattern` are deltas, others full. */
  kind: z.enum(['full', 'delta']).optional(),
  /** Glob or `/regex/` of delta file names, used when `kind` is unset; default `*_delta*`. */
  deltaPattern: fileNamePattern.default('*_delta*'),
  /** A file modified more recently than this is still being written and is left for a later run; default 0s. */
  minAge: durationSchema.default(0),
  /**
   * List the folder twice this far apart and leave a file whose size or modification time
   * changed in between for a later run (it is still being written); default 0s (one listing).
   */
  stabilityInterval: durationSchema.default(0),
  /** Suffix of the marker file the uploader writes when a file is complete (e.g. `.done`); a file without one is not read. */
  doneMarker: z.string().min(1).optional(),
  /** What becomes of a file once a run has processed it: `leave` it (default), `archive` it, or `delete` it. */
  afterProcessing: z.enum(['leave', 'archive', 'delete']).default('leave'),
  /** Where `archive` moves files (on the SFTP server with `sftp`; else relative paths resolve against the config file); default `<folder>/archive`. */
  archiveFolder: z.string().min(1).optional(),
});

export const jsonlFileConnectorSchema = z.strictObject({
  type: z.literal('jsonl-file'),
  /** A JSON-lines file: one customer record per line. */
  path: z.string().min(1),
  /** Whether the file holds every customer (`full`, default) or only changed ones (`delta`). */
  kind: z.enum(['full', 'delta']).default('full'),
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

export const deletionPolicySchema = z.strictObject({
  /** How long a customer stays missing before it is soft-deleted; default 24h. */
  gracePeriod: durationSchema.default(24 * 3_600_000),
  /** How long a soft-deleted customer is kept before it is purged; default 30d. */
  retention: durationSchema.default(30 * 86_400_000),
  /** Percent of the source's customers one run may mark missing without an operator's approval; default 10. */
  threshold: z.number().min(0).max(100).default(10),
  /** How long a run waits for approval before the deletions count as rejected; default 24h. */
  approvalTimeout: durationSchema.default(24 * 3_600_000),
});

/** Interval of a flow's schedule that names neither `every` nor `cron`: hourly. */
export const DEFAULT_SCHEDULE_EVERY_MS = 3_600_000;

export const scheduleSchema = z
  .strictObject({
    /** Interval between runs (e.g. `1h`, `15m`); default 1h unless `cron` is given. */
    every: durationSchema.optional(),
    /** Cron expressions instead of an interval (e.g. `5 * * * *`), evaluated in UTC. */
    cron: z.array(z.string().min(1)).min(1).optional(),
    /** Random delay added to each run, spreading load; default none. */
    jitter: durationSchema.default(0),
    /** Missed runs (server down) started late if still within this window; default 1h. */
    catchupWindow: durationSchema.default(3_600_000),
    /** Create the schedule paused; default false. */
    paused: z.boolean().default(false),
  })
  .refine((s) => !(s.every !== undefined && s.cron !== undefined), 'give either "every" or "cron", not both');

export const flowSchema = z.strictObject({
  source: sourceStepSchema,
  enrichments: z.array(enrichmentStepSchema).default([]),
  /** Deletion propagation from the source's full snapshots (SPEC §4). */
  deletion: deletionPolicySchema.default(deletionPolicySchema.parse({})),
  /** When the flow runs unattended; `false` for on-demand only; default hourly. */
  schedule: scheduleSchema.or(z.literal(false)).default(scheduleSchema.parse({})),
  /** Customers merged and written per chunk; default 1000. */
  chunkSize: z.number().int().min(1).max(10_000).default(1000),
  /** Records staged per page while reading a connector; default 1000. */
  pageSize: z.number().int().min(1).max(50_000).default(1000),
  /** Chunks merged before a run continues as a new execution (keeps histories short); default 400. */
  chunksPerExecution: z.number().int().min(1).max(2_000).default(400),
  /**
   * Percent of a source file's rows that may be rejected; a file with more fails the run
   * before anything of it is merged. Default: no limit (bad rows are rejected, the rest syncs).
   */
  maxRejectedPercent: z.number().min(0).max(100).optional(),
  /**
   * Hold customers the source would create for the data team's review (`custsync review`)
   * instead of creating them; updates of existing customers still apply. Default false.
   */
  reviewNewCustomers: z.boolean().default(false),
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
  const consumedBy = new Map<string, string>();
  for (const [flowName, flow] of Object.entries(doc.flows as Record<string, unknown>)) {
    const source = (flow as { source?: { type?: unknown; connector?: unknown } } | null)?.source;
    const definition =
      typeof source?.connector === 'string' ? (doc.connectors as Record<string, { type?: unknown }> | undefined)?.[source.connector] : undefined;
    if (source?.type !== 'connector' || definition?.type !== 'flat-file') continue;
    const other = consumedBy.get(source.connector as string);
    if (other) {
      problems.push({
        path: ['flows', flowName, 'source', 'connector'],
        message: `connector "${String(source.connector)}" is already the source of flow "${other}": each file is processed once, so a flat-file connector can be the source of one flow only`,
      });
    } else consumedBy.set(source.connector as string, flowName);
  }
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
    if (flow && typeof flow === 'object' && 'mode' in flow) {
      problems.push({
        path: ['flows', flowName, 'mode'],
        message: 'no longer a flow setting: each input is classified as full or delta by its connector (kind, deltaPattern)',
      });
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
export type DeletionPolicy = z.infer<typeof deletionPolicySchema>;
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type MatchBy = z.infer<typeof matchBySchema>;
