import type { FastifyInstance } from 'fastify';
import { sendProblem } from './problem-details.js';

/** Methods a path may be documented with; HEAD comes with GET. */
const DOCUMENTED_METHODS = ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'] as const;

/**
 * Watches the routes registered in `scope` from now on and, once `answer` is called, gives every
 * method a path does not take (TRACE and QUERY included) a 405 with `Allow` naming those it
 * does (RFC 9110 §15.5.6), not a 404. It answers on arrival, before any body is read.
 * @param options.keepOptions leave OPTIONS alone (CORS answers it); default false
 */
export function methodsNotAllowed(scope: FastifyInstance, options: { keepOptions?: boolean } = {}): { answer: () => void } {
  const methodsByPath = new Map<string, Set<string>>();
  scope.addHook('onRoute', (route) => {
    const methods = methodsByPath.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    methodsByPath.set(route.url, methods);
  });
  return {
    answer() {
      const prefix = scope.prefix;
      for (const [url, methods] of [...methodsByPath]) {
        const allowed = DOCUMENTED_METHODS.filter((m) => methods.has(m));
        if (allowed.length === 0) continue;
        const allow = [...allowed, ...(methods.has('GET') ? ['HEAD'] : [])];
        const others = scope.supportedMethods.filter((m) => !allow.includes(m) && !methods.has(m) && !(options.keepOptions && m === 'OPTIONS'));
        if (others.length === 0) continue;
        const header = allow.join(', ');
        scope.route({
          method: others,
          url: prefix && url.startsWith(prefix) ? url.slice(prefix.length) : url,
          schema: { hide: true },
          onRequest: async (request, reply) => {
            reply.header('allow', header);
            return sendProblem(reply, 405, `${request.method} is not a method of ${request.url.split('?')[0]}; it takes ${header}`);
          },
          handler: () => undefined,
        });
      }
    },
  };
}
