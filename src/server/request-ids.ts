import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions, RawRequestDefaultExpression } from 'fastify';

/** A request id a client may choose: short, printable, nothing a log line or a header could be broken by. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,100}$/;

/** The request's id: the client's `X-Request-Id` when it is a plain one, else a new UUID. */
export function requestIdOf(request: RawRequestDefaultExpression): string {
  const given = request.headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && CLIENT_REQUEST_ID.test(value) ? value : randomUUID();
}

/** A URL as it is logged: the path, and the names of the query's parameters without their values (emails, names). */
export function loggedUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const names = url
    .slice(at + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => `${pair.split('=')[0]}=…`);
  return `${url.slice(0, at)}?${names.join('&')}`;
}

/** How a request is logged: method, URL without query values, and its id (no headers: they carry credentials). */
export const requestSerializers = {
  req: (request: { method: string; url: string; id: string }) => ({ method: request.method, url: loggedUrl(request.url), requestId: request.id }),
};

/** Fastify's logger options: every line names the request id; URLs are logged without query values. */
export function loggerOptions(enabled: boolean): FastifyServerOptions['logger'] {
  if (!enabled) return false;
  return { serializers: requestSerializers };
}

/** Answers every request with its `X-Request-Id`. */
export function answerWithRequestIds(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
}
