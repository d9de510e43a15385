import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { decideDeletions, listDeletionApprovals } from '../../../operations/deletions.js';
import { actorOf } from '../console-auth.js';
import type { ConsoleDeps } from '../console-context.js';
import { formOf } from '../console-forms.js';
import { redirectWithMessage, renderPage } from '../render-page.js';

/** Customers each waiting run lists; the rest are counted. */
const SHOWN_PER_RUN = 200;
const decisionForm = z.object({ runId: z.string().min(1).max(500), decision: z.enum(['approve', 'reject']) });

/** Runs waiting for a decision on their deletions, with the customers they would mark missing. */
export function deletionPages(deps: ConsoleDeps) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get('/deletions', async (request, reply) => {
      const waiting = await listDeletionApprovals(deps.ops, { customersPerRun: SHOWN_PER_RUN });
      return renderPage(request, reply, deps, 'deletions', { title: 'Deletions', waiting, now: Date.now() });
    });
    app.post('/deletions/decide', { config: { role: 'reviewer' } }, async (request, reply) => {
      const form = formOf(decisionForm, request.body);
      const { wouldMarkMissing } = await decideDeletions(deps.ops, form.runId, form.decision, actorOf(request.consoleUser!));
      const message =
        form.decision === 'approve'
          ? `approved: run ${form.runId} marks ${wouldMarkMissing} customers missing and completes`
          : `rejected: run ${form.runId} marks nothing missing and completes`;
      return redirectWithMessage(request, reply, '/deletions', message);
    });
    done();
  };
}
