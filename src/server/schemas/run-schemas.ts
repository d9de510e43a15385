import { z } from 'zod';
import { storableText } from '../../domain/customer-record-schema.js';
import type { RunReport } from '../../domain/run-types.js';
import { queryInteger } from './query-integer.js';

const count = z.number().int().min(0);

const totalsSchema = z.object({ customers: count, created: count, updated: count, unchanged: count, rejected: count, held: count.optional() });

const rejectedRecordSchema = z.object({
  source: z.string(),
  line: z.number().int(),
  externalId: z.string().optional(),
  field: z.string().optional(),
  reason: z.string(),
  raw: z.string().optional(),
});

/** A run's report: what `custsync runs show` prints. */
export const runReportSchema = z
  .object({
    runId: z.string(),
    flow: z.string(),
    dryRun: z.boolean(),
    status: z.enum(['completed', 'failed', 'running']),
    trigger: z.string(),
    mode: z.enum(['full', 'delta', 'none']),
    steps: z.array(
      z.object({
        role: z.enum(['source', 'enrichment']),
        connector: z.string(),
        inputs: z.array(z.string()),
        read: count,
        staged: count,
        matched: count,
        unmatched: count,
        rejected: count,
        inputDetails: z.array(
          z.object({
            name: z.string(),
            kind: z.enum(['full', 'delta']),
            status: z.enum(['applied', 'superseded', 'duplicate']),
            duplicateOf: z.string().optional(),
            warnings: z.array(z.string()),
            read: count,
            rejected: count,
          }),
        ),
      }),
    ),
    restored: count,
    deletion: z
      .object({ status: z.string(), candidates: count, sourceCustomers: count, markedMissing: count, deletedAfterGrace: count, purged: count })
      .optional(),
    totals: totalsSchema,
    rejectedSample: z.array(rejectedRecordSchema),
    withheld: z.object({
      count,
      sample: z.array(z.object({ stepIndex: z.number().int(), source: z.string(), externalId: z.string(), lines: z.array(z.number().int()), isNew: z.boolean(), reason: z.string() })),
    }),
    duplicates: z.object({ candidates: count, strong: count, merged: count }).optional().describe('pairs of customers that may be one, first found by this run, and those it merged itself (autoMerge: strong)'),
    durationMs: z.number().min(0),
    error: z.string().optional(),
  })
  .meta({ id: 'RunReport' }) satisfies z.ZodType<RunReport>;

/** A run as lists show it. */
export const runSummarySchema = z
  .object({
    id: z.string(),
    flow: z.string(),
    trigger: z.string(),
    status: z.enum(['running', 'completed', 'failed']),
    mode: z.string(),
    dryRun: z.boolean(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    created: count,
    updated: count,
    unchanged: count,
    rejected: count,
    deletionStatus: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'RunSummary' });

export const runListQuerySchema = z.strictObject({
  flow: storableText(100).optional(),
  limit: queryInteger(1, 500, 20),
});

export const runQuerySchema = z.strictObject({
  rejected: queryInteger(0, 10_000, 50).describe('how many rejected records to include'),
});
