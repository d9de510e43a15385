import { z } from 'zod';
import { ASPECTS } from '../domain/customer-record.js';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS, DEFAULT_MERGE_LANES } from '../domain/run-types.js';
import type { Capability } from '../connectors/connector-module.js';
import { CONNECTOR_MODULES, connectorConfigSchema, connectorModuleOf } from '../connectors/connector-registry.js';
import { apiSettingsSchema } from './api-settings.js';
import { duplicateSettingsSchema } from './duplicate-settings-schema.js';
import { survivorshipSchema } from './survivorship-schema.js';
import { consoleSettingsSchema } from './console-settings.js';
import { notificationSettingsSchema, notificationTargetProblems } from './notification-settings.js';
import { durationSchema } from './duration.js';
import { isMatchBy, MATCH_BY_NAMES, type MatchBy } from '../merge/match-by.js';
import { temporalConfigSchema } from './temporal-settings.js';

export { flatFileConnectorSchema, type FlatFileConnectorConfig } from '../connectors/flat-file/flat-file-config.js';
export { jsonlFileConnectorSchema, type JsonlFileConnectorConfig } from '../connectors/jsonl-file/jsonl-file-config.js';
export type { ConnectorConfig } from '../connectors/connector-registry.js';

const name = z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, 'use lowercase letters, digits, - and _');

/** A connector's config: the schema of its type's module (see `src/connectors/connector-registry.ts`). */
export const connectorSchema = connectorConfigSchema;

const aspects = z.array(z.enum(ASPECTS)).min(1);

export const matchBySchema = z.custom<MatchBy>((value) => typeof value === 'string' && isMatchBy(value), {
  message: `use ${MATCH_BY_NAMES.join(', ')}`,
});

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
   * Chunks of one run merged at the same time, by whichever workers poll the task queue: with
   * more workers than one, up to 2 per worker lets each take part. Default 2.
   */
  mergeLanes: z.number().int().min(1).max(64).default(DEFAULT_MERGE_LANES),
  /**
   * How long one of a run's activities (a read, a chunk's merge) may go without a sign of life
   * before Temporal takes it for lost (its worker killed, a source hung) and retries it, on any
   * worker, from its last position. Between 1s and 10m; default 20s.
   */
  heartbeatTimeout: durationSchema
    .refine((ms) => ms >= 1_000 && ms <= 600_000, 'must be between 1s and 10m')
    .default(DEFAULT_HEARTBEAT_TIMEOUT_MS),
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
  /**
   * Connectors (with the push capability) that customers this flow creates or updates are
   * pushed to, in near real time; changes that came from a target are not pushed back to it. Default none.
   */
  pushTo: z
    .array(name)
    .refine((targets) => new Set(targets).size === targets.length, 'names a target twice')
    .default([]),
  /**
   * Check the customers each run creates or updates for duplicates among all customers, for the
   * data team to merge or keep apart (`custsync duplicates`). Default: no check.
   */
  duplicates: duplicateSettingsSchema.optional(),
  /**
   * Which connector's value survives where several supply one, by field: `priority`, `mostRecent`,
   * `mostFrequent`, `ignoreEmpty` (docs/survivorship.md). Default: the latest step's value.
   */
  survivorship: survivorshipSchema.optional(),
});

/** How outbound pushes are paced (flows' `pushTo`). */
export const pushSettingsSchema = z.strictObject({
  /** Changes gathered after a write wakes the pushes, so quick successive changes of a customer become one push (a run's changes are pushed at once); default 2s. */
  coalesce: durationSchema.default(2_000),
  /** A target's push workflow completes after this long with nothing queued; default 1m. */
  idle: durationSchema.default(60_000),
  /** Attempts of a push failing transiently (5xx, timeouts) before it is marked failed; default 8. */
  maxAttempts: z.number().int().min(1).max(100).default(8),
  /** Pushes in flight to one target at once; default 8. */
  concurrency: z.number().int().min(1).max(64).default(8),
});

/** How `custsync worker` runs. */
export const workerSettingsSchema = z.strictObject({
  /**
   * On SIGTERM or Ctrl-C the worker stops taking tasks and lets activities in flight finish for
   * this long (long ones heartbeat their position, so one cut off resumes on another worker); default 30.
   */
  shutdownGraceSeconds: z.number().int().min(0).max(3_600).default(30),
  /**
   * Activities one worker runs at a time (chunks of a run's merge, stagings, pushes); default 4.
   * A run merges at most its flow's `mergeLanes` chunks at a time, whatever the number of workers.
   */
  maxConcurrentActivities: z.number().int().min(1).max(200).default(4),
  /**
   * V8's `--heap-growing-percent` for the worker: how far its heap may grow past what is live
   * before it is collected, in percent; default 0: as V8 chooses. Node 20's V8 applies it to only
   * some of its collections; what bounds a worker's memory is the image's
   * `NODE_OPTIONS=--max-old-space-size=1024` (see production.md).
   */
  heapGrowthPercent: z.number().int().min(0).max(1_000).default(0),
});

export const configSchema = z.strictObject({
  connectors: z.record(name, connectorSchema),
  flows: z.record(name, flowSchema),
  push: pushSettingsSchema.default(pushSettingsSchema.parse({})),
  /** The customer API of `custsync serve`: its tokens and limits. */
  api: apiSettingsSchema.default(apiSettingsSchema.parse({})),
  /** The console of `custsync serve`: its users and links. */
  console: consoleSettingsSchema.default(consoleSettingsSchema.parse({})),
  /** Messages to whoever is on call: run failed, deletions waiting for approval, customers held, pushes failing. */
  notifications: notificationSettingsSchema.default(notificationSettingsSchema.parse({})),
  /** How to reach Temporal where the environment (TEMPORAL_*) and a TOML profile do not say. */
  temporal: temporalConfigSchema.optional(),
  /** How workers run: their drain on shutdown. */
  worker: workerSettingsSchema.default(workerSettingsSchema.parse({})),
});

/** What a step asks of its connector that the connector's type cannot do: read records, supply each aspect. */
function stepCapabilityProblems(
  connector: string,
  type: unknown,
  aspects: unknown,
  path: (string | number)[],
): { path: (string | number)[]; message: string }[] {
  const module = connectorModuleOf(type);
  if (!module) return [];
  const problems: { path: (string | number)[]; message: string }[] = [];
  const needs: Capability = 'list';
  if (!module.capabilities.includes(needs)) {
    problems.push({ path: [...path, 'connector'], message: `connector "${connector}" (${module.type}) cannot list records, so it cannot be a step's connector` });
  }
  if (Array.isArray(aspects)) {
    aspects.forEach((aspect, i) => {
      if (typeof aspect === 'string' && (ASPECTS as readonly string[]).includes(aspect) && !(module.aspects as readonly string[]).includes(aspect)) {
        problems.push({
          path: [...path, 'aspects', i],
          message: `connector "${connector}" (${module.type}) cannot supply ${aspect}; it supplies ${module.aspects.join(', ')}`,
        });
      }
    });
  }
  return problems;
}

/**
 * Problems zod cannot see one field at a time: flows naming connectors that do not
 * exist, and flows that could never change anything. Works on the raw document, so
 * these are reported together with every schema problem.
 */
export function crossReferenceProblems(raw: unknown): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const doc = (raw ?? {}) as { connectors?: unknown; flows?: unknown };
  const connectors = doc.connectors && typeof doc.connectors === 'object' ? Object.keys(doc.connectors) : [];
  problems.push(...notificationTargetProblems(raw));
  if (!doc.flows || typeof doc.flows !== 'object') return problems;
  const consumedBy = new Map<string, string>();
  for (const [flowName, flow] of Object.entries(doc.flows as Record<string, unknown>)) {
    const source = (flow as { source?: { type?: unknown; connector?: unknown } } | null)?.source;
    const definition =
      typeof source?.connector === 'string' ? (doc.connectors as Record<string, { type?: unknown }> | undefined)?.[source.connector] : undefined;
    if (source?.type !== 'connector' || !connectorModuleOf(definition?.type)?.consumesInputs) continue;
    const other = consumedBy.get(source.connector as string);
    if (other) {
      problems.push({
        path: ['flows', flowName, 'source', 'connector'],
        message: `connector "${String(source.connector)}" is already the source of flow "${other}": each input is processed once, so a ${String(definition?.type)} connector can be the source of one flow only`,
      });
    } else consumedBy.set(source.connector as string, flowName);
  }
  for (const [flowName, flow] of Object.entries(doc.flows as Record<string, unknown>)) {
    const f = (flow ?? {}) as { source?: { type?: unknown; connector?: unknown; aspects?: unknown }; enrichments?: unknown };
    const refs: { connector: unknown; aspects: unknown; path: (string | number)[] }[] = [];
    if (f.source?.type === 'connector') refs.push({ connector: f.source.connector, aspects: f.source.aspects, path: ['source'] });
    const enrichments = Array.isArray(f.enrichments) ? (f.enrichments as { connector?: unknown; aspects?: unknown }[]) : [];
    enrichments.forEach((e, i) => refs.push({ connector: e?.connector, aspects: e?.aspects, path: ['enrichments', i] }));
    for (const ref of refs) {
      if (typeof ref.connector !== 'string') continue;
      if (!connectors.includes(ref.connector)) {
        problems.push({
          path: ['flows', flowName, ...ref.path, 'connector'],
          message: `unknown connector "${ref.connector}"; defined: ${connectors.join(', ') || 'none'}`,
        });
        continue;
      }
      problems.push(...stepCapabilityProblems(ref.connector, (doc.connectors as Record<string, { type?: unknown }>)[ref.connector]?.type, ref.aspects, ['flows', flowName, ...ref.path]));
    }
    const pushTo = (flow as { pushTo?: unknown } | null)?.pushTo;
    (Array.isArray(pushTo) ? pushTo : []).forEach((target: unknown, i) => {
      if (typeof target !== 'string') return;
      const type = (doc.connectors as Record<string, { type?: unknown }> | undefined)?.[target]?.type;
      const module = connectorModuleOf(type);
      if (!connectors.includes(target)) {
        problems.push({ path: ['flows', flowName, 'pushTo', i], message: `unknown connector "${target}"; defined: ${connectors.join(', ') || 'none'}` });
      } else if (module && !module.capabilities.includes('push')) {
        problems.push({ path: ['flows', flowName, 'pushTo', i], message: `connector "${target}" (${module.type}) cannot push customers; types that can: ${CONNECTOR_MODULES.filter((m) => m.capabilities.includes('push')).map((m) => m.type).join(', ')}` });
      }
    });
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
export type FlowConfig = z.infer<typeof flowSchema>;
export type DeletionPolicy = z.infer<typeof deletionPolicySchema>;
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type { MatchBy };
export type PushSettings = z.infer<typeof pushSettingsSchema>;
