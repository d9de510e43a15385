import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { listRuns, REJECT_COLUMNS, rejectRow, runRejects, showRun } from '../../../operations/runs.js';
import type { ConsoleDeps } from '../console-context.js';
import { queryOf } from '../console-forms.js';
import { renderPage } from '../render-page.js';

const PAGE = 50;
const runListQuery = z.object({
  flow: z.string().max(200).optional().transform((v) => v || undefined),
  status: z.enum(['running', 'waiting', 'completed', 'failed', '']).optional().transform((v) => v || undefined),
  trigger: z.string().max(50).optional().transform((v) => v || undefined),
  before: z.iso.datetime({ offset: true }).optional(),
});
const runQuery = z.object({ id: z.string().min(1).max(500) });

/** The runs, filterable; a run's report, rejects (CSV) and link to the Temporal UI. */
export function runPages(deps: ConsoleDeps) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get('/runs', async (request, reply) => {
      const q = queryOf(runListQuery, request.query);
      const rows = await listRuns(deps.ops, { ...q, ...(q.before ? { startedBefore: new Date(q.before) } : {}), limit: PAGE + 1 });
      const runs = rows.slice(0, PAGE);
      const last = runs.at(-1);
      const nextQuery =
        rows.length > PAGE && last
          ? new URLSearchParams(Object.entries({ ...q, before: new Date(last.started_at).toISOString() }).filter((e): e is [string, string] => !!e[1])).toString()
          : undefined;
      return renderPage(request, reply, deps, 'runs', { title: 'Runs', runs, filter: q, flows: Object.keys(deps.ops.config.flows).sort(), nextQuery });
    });
    app.get('/run', async (request, reply) => {
      const { id } = queryOf(runQuery, request.query);
      const report = await showRun(deps.ops, id, { rejected: 100 });
      return renderPage(request, reply, deps, 'run', { title: `Run ${id}`, report });
    });
    app.get('/run/rejects.csv', async (request, reply) => {
      const { id } = queryOf(runQuery, request.query);
      const batches = await runRejects(deps.ops, id);
      const file = `rejects-${id.replace(/[^A-Za-z0-9._-]+/g, '_')}.csv`;
      reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`);
      async function* csv() {
        yield stringify([[...REJECT_COLUMNS]]);
        for await (const batch of batches) yield stringify(batch.map(rejectRow));
      }
      return reply.send(Readable.from(csv()));
    });
    done();
  };
}
