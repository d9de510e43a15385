import type { FastifyInstance } from 'fastify';
import { consoleOverview } from '../../../operations/console-overview.js';
import type { ConsoleDeps } from '../console-context.js';
import { renderPage } from '../render-page.js';

/** Each flow at a glance, and everything waiting for a person. */
export function overviewPage(deps: ConsoleDeps) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get('/', async (request, reply) => {
      const overview = await consoleOverview(deps.ops);
      return renderPage(request, reply, deps, 'overview', { title: 'Overview', ...overview, now: Date.now() });
    });
    done();
  };
}
