import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { checkReadiness } from '../../operations/readiness.js';

const readinessSchema = z.object({
  ready: z.boolean(),
  checks: z.object({ database: z.string(), temporal: z.string() }).describe('each dependency: ok, or what is wrong'),
});

/** `GET /healthz` (the process is up) and, with dependencies, `GET /readyz` (they answer: 200, else 503 naming which). */
export function healthRoutes(deps?: Pick<OperationDeps, 'db' | 'client'>): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/healthz',
      { schema: { summary: 'The process is up', tags: ['health'], security: [], response: { 200: z.object({ ok: z.literal(true) }) } } },
      () => ({ ok: true as const }),
    );
    if (!deps) {
      done();
      return;
    }
    app.get(
      '/readyz',
      {
        schema: {
          summary: 'The database and Temporal answer',
          tags: ['health'],
          security: [],
          response: { 200: readinessSchema, 503: readinessSchema },
        },
      },
      async (_request, reply) => {
        const readiness = await checkReadiness(deps);
        return reply.code(readiness.ready ? 200 : 503).send(readiness);
      },
    );
    done();
  };
}
