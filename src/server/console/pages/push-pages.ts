import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { retryPushes, showPushStatus } from '../../../operations/pushes.js';
import type { ConsoleDeps } from '../console-context.js';
import { formOf, queryOf } from '../console-forms.js';
import { redirectWithMessage, renderPage } from '../render-page.js';

const pushQuery = z.object({ target: z.string().max(200).optional().transform((v) => v || undefined) });
const retryForm = z.object({ target: z.string().max(200).optional().transform((v) => v || undefined) });

/** Pushes per target; the failed ones with their errors; retry. */
export function pushPages(deps: ConsoleDeps) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get('/pushes', async (request, reply) => {
      const { target } = queryOf(pushQuery, request.query);
      const status = await showPushStatus(deps.ops, { ...(target ? { target } : {}) });
      return renderPage(request, reply, deps, 'pushes', { title: 'Pushes', ...status, target });
    });
    app.post('/pushes/retry', { config: { role: 'admin' } }, async (request, reply) => {
      const { target } = formOf(retryForm, request.body);
      const { queued, targets } = await retryPushes(deps.ops, target);
      request.log.info({ user: request.consoleUser?.name, target, queued }, 'console: failed pushes retried');
      return redirectWithMessage(request, reply, '/pushes', `queued ${queued} failed push${queued === 1 ? '' : 'es'} again${targets.length ? ` (${targets.join(', ')})` : ''}`);
    });
    done();
  };
}
