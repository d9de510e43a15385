import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiSettings } from '../../config/api-settings.js';
import { storableText } from '../../domain/customer-record-schema.js';
import { isoTime } from '../../domain/iso-time.js';
import { startBulkUpsert } from '../../operations/customer-api/bulk-upsert.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { listRuns, showRun } from '../../operations/runs.js';
import { answerOnce } from '../idempotency.js';
import { HttpProblem } from '../problem-details.js';
import { writerOf } from '../request-context.js';
import { bulkAcceptedSchema, bulkBodySchema } from '../schemas/customer-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import { runListQuerySchema, runQuerySchema, runReportSchema, runSummarySchema } from '../schemas/run-schemas.js';


/** Bulk upserts (an import run through Temporal) and the runs, as `custsync runs` shows them. */
export function bulkAndRunRoutes(deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>, settings: ApiSettings): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.post(
      '/customers/bulk',
      {
        bodyLimit: settings.bulkBodyLimit,
        config: { scope: 'write' },
        schema: {
          summary: 'Upsert many customers as one import run',
          description:
            "The records are the token system's, upserted by source id (externalId) like PUT, as an import run through Temporal (the same path as custsync import). " +
            '202 names the run; GET /api/v1/runs/{id} gives its status, totals and rejected records.',
          tags: ['customers'],
          headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
          body: bulkBodySchema,
          response: { 202: bulkAcceptedSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429, 503) },
        },
      },
      async (request, reply) =>
        answerOnce(deps, request, reply, async () => {
          const records = request.body.records;
          if (records.length > settings.bulkMaxRecords) {
            throw new HttpProblem(413, `body.records: ${records.length} records; one bulk upsert takes at most ${settings.bulkMaxRecords}: split them`, {
              errors: [{ field: 'body.records', rule: `at most ${settings.bulkMaxRecords} records` }],
            });
          }
          const seen = new Set<string>();
          for (const [i, r] of records.entries()) {
            if (seen.has(r.externalId)) {
              throw new HttpProblem(422, `body.records[${i}].externalId: "${r.externalId}" is in the upload twice; send each customer once`, {
                errors: [{ field: `body.records[${i}].externalId`, rule: 'unique within the upload' }],
                reason: 'duplicate-in-upload',
              });
            }
            seen.add(r.externalId);
          }
          const run = await startBulkUpsert(deps, writerOf(request.apiToken!), records);
          return { status: 202, headers: { location: `/api/v1/runs/${encodeURIComponent(run.runId)}` }, body: { ...run, status: 'running' } };
        }),
    );

    app.get(
      '/runs',
      {
        config: { scope: 'read' },
        schema: {
          summary: 'The latest runs, newest first',
          tags: ['runs'],
          querystring: runListQuerySchema,
          response: { 200: z.object({ items: z.array(runSummarySchema) }), ...problemResponses(400, 401, 403, 429) },
        },
      },
      async (request) => {
        const runs = await listRuns(deps, { ...(request.query.flow ? { flow: request.query.flow } : {}), limit: request.query.limit });
        return {
          items: runs.map((r) => ({
            id: r.id,
            flow: r.flow,
            trigger: r.trigger,
            status: r.status,
            mode: r.mode,
            dryRun: r.dry_run,
            startedAt: isoTime(r.started_at)!,
            finishedAt: isoTime(r.finished_at),
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            rejected: r.rejected,
            deletionStatus: r.deletion_status,
            error: r.error,
          })),
        };
      },
    );

    app.get(
      '/runs/:id',
      {
        config: { scope: 'read' },
        schema: {
          summary: "A run's report: status, totals, inputs, rejected records",
          description: 'Run ids contain slashes (import/api/20261130T120000000Z-1a2b3c): URL-encode them (import%2Fapi%2F…).',
          tags: ['runs'],
          params: z.strictObject({ id: storableText(300).min(1) }),
          querystring: runQuerySchema,
          response: { 200: runReportSchema, ...problemResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => showRun(deps, request.params.id, { rejected: request.query.rejected }),
    );
    done();
  };
}
