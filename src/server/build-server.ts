import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiSettings } from '../config/api-settings.js';
import { findUnstorableValue } from '../domain/storable-values.js';
import { forgetExpiredAnswers } from '../operations/customer-api/idempotent-answers.js';
import type { OperationDeps } from '../operations/operation-deps.js';
import { allowConfiguredOrigins } from './api-cors.js';
import { bearerOf, matchToken, type ApiToken } from './api-tokens.js';
import { consolePlugin, type ConsoleOptions } from './console/console-plugin.js';
import { methodsNotAllowed } from './method-not-allowed.js';
import { withOperationExamples } from './openapi-examples.js';
import { orderWebhookRoutes, type OrderWebhookOptions } from './order-webhook/order-webhook-routes.js';
import { HttpProblem, problemErrorHandler, sendProblem } from './problem-details.js';
import './request-context.js';
import { bulkAndRunRoutes } from './routes/bulk-and-run-routes.js';
import { customerReadRoutes } from './routes/customer-read-routes.js';
import { customerWriteRoutes } from './routes/customer-write-routes.js';
import { duplicateRoutes } from './routes/duplicate-routes.js';
import { API_EXAMPLES } from './schemas/api-examples.js';
import { healthRoutes } from './routes/health-routes.js';
import { answerWithRequestIds, loggerOptions, requestIdOf, requestSerializers } from './request-ids.js';
import { metricsPage, recordHttpMetrics, type ServerMetricsOptions } from './http-metrics.js';
import type { Logger } from 'pino';
import { useStrictJsonParser } from './strict-json-parser.js';

/** What `custsync serve` serves. */
export interface ServerOptions {
  /** The order webhook (`POST /webhooks/orders`); absent: not served. */
  webhook?: OrderWebhookOptions;
  /** The customer API under `/api/v1` and `/readyz`; absent: not served. */
  api?: {
    deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>;
    tokens: readonly ApiToken[];
    settings: ApiSettings;
  };
  /** The console at `/`; absent: not served. */
  console?: ConsoleOptions;
  /** Request logging: the process's pino logger, or true for Fastify's own; default off. */
  logger?: boolean | Logger;
  /** Prometheus metrics of the server's requests (and the page, when `path` is set); default none. */
  metrics?: ServerMetricsOptions;
}

export const API_PREFIX = '/api/v1';
const OPENAPI_PATH = `${API_PREFIX}/openapi.json`;

/**
 * The platform's HTTP server: health, the order webhook and the customer API (OpenAPI 3.1 at
 * `/api/v1/openapi.json`, generated from the zod schemas that validate each request and
 * answer; Swagger UI at `/api/docs`). Every error is problem details.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(typeof options.logger === 'object'
      ? { loggerInstance: fastifyLogger(options.logger) }
      : { logger: loggerOptions(options.logger ?? false) }),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: requestIdOf,
    bodyLimit: options.api?.settings.bodyLimit ?? 1_048_576,
    // Path parameters are bounded by their schemas (400 beyond), not by the router.
    routerOptions: { maxParamLength: 4_096 },
    trustProxy: false,
    // A URL the router cannot read (bad percent-encoding, say) is the client's error, answered as problem details.
    frameworkErrors: (error, _request, reply) => void sendProblem(reply, 400, `the request cannot be read: ${error.message}`),
  });
  answerWithRequestIds(app);
  if (options.metrics) recordHttpMetrics(app, options.metrics);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    if (options.console && !path.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html')) return notFoundPage(reply, path);
    return sendProblem(reply, 404, `no ${request.method} ${path} here; the API is described at ${OPENAPI_PATH}`);
  });
  useStrictJsonParser(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'custsync customer API',
        version: '1.0.0',
        description:
          "The platform's customers: create, upsert by source id, read with the connector and run behind every value, list, change, delete, " +
          'bulk upserts (import runs through Temporal) and each customer\'s change log. Every write is an ordinary change: merged by the flows\' rules, ' +
          'logged, and pushed to the push targets (never back to the writing system). Errors are application/problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token from the config (api.tokens)' } } },
      security: [{ bearer: [] }],
    },
    transform: createJsonSchemaTransform({ skipList: [OPENAPI_PATH] }),
    transformObject: (input) => withOperationExamples(jsonSchemaTransformObject(input), API_EXAMPLES),
  });

  await app.register(async (scope) => {
    const otherMethods = methodsNotAllowed(scope);
    await scope.register(healthRoutes(options.api?.deps));
    const metrics = options.metrics;
    if (metrics?.path) {
      const page = metricsPage(metrics);
      scope.get(metrics.path, { schema: { hide: true } }, async (_request, reply) => reply.type(metrics.registry.contentType).send(await page()));
    }
    otherMethods.answer();
  });
  if (options.console) await app.register(consolePlugin(options.console));
  if (options.webhook) await app.register(orderWebhookRoutes(options.webhook));
  const api = options.api;
  if (api) {
    app.get(OPENAPI_PATH, { schema: { hide: true } }, () => app.swagger());
    await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { url: OPENAPI_PATH } });
    await app.register(
      async (scope) => {
        const typed = scope.withTypeProvider<ZodTypeProvider>();
        await allowConfiguredOrigins(scope, api.settings);
        await typed.register(rateLimit, {
          timeWindow: 60_000,
          max: (request: FastifyRequest) => tokenOf(request, api.tokens)?.rateLimit ?? api.settings.rateLimit,
          keyGenerator: (request: FastifyRequest) => {
            const token = tokenOf(request, api.tokens);
            return token ? `token:${token.name}` : `address:${request.ip}`;
          },
          errorResponseBuilder: (_request, context) =>
            new HttpProblem(429, `more than ${context.max} requests in a minute; wait ${Math.ceil(context.ttl / 1000)} s (Retry-After)`, {
              headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
            }),
        });
        // On arrival, before the body is read or validated: an unauthenticated request costs no parsing and learns nothing of the schemas.
        typed.addHook('onRequest', (request, _reply, done) => {
          const scopeNeeded = request.routeOptions.config.scope;
          if (!scopeNeeded) return done();
          const token = tokenOf(request, api.tokens);
          if (!token) {
            return done(new HttpProblem(401, 'send a valid API token: Authorization: Bearer <token>', { headers: { 'www-authenticate': 'Bearer realm="custsync"' } }));
          }
          if (!token.scopes.has(scopeNeeded)) return done(new HttpProblem(403, `token ${token.name} has no ${scopeNeeded} scope; it has ${[...token.scopes].join(', ')}`));
          request.apiToken = token;
          done();
        });
        typed.addHook('preValidation', (request, _reply, done) => {
          done(unstorableInUrl(request.params, 'path') ?? unstorableInUrl(request.query, 'query'));
        });
        const otherMethods = methodsNotAllowed(scope, { keepOptions: api.settings.cors !== undefined });
        await typed.register(customerReadRoutes(api.deps));
        await typed.register(customerWriteRoutes(api.deps));
        await typed.register(bulkAndRunRoutes(api.deps, api.settings));
        await typed.register(duplicateRoutes(api.deps));
        otherMethods.answer();
        // Answers kept for idempotency keys expire after api.idempotencyDays.
        const forget = () => void forgetExpiredAnswers(api.deps).catch((error: unknown) => scope.log.warn({ err: error }, 'idempotency answers not forgotten'));
        const timer = setInterval(forget, 3_600_000).unref();
        scope.addHook('onReady', (done) => {
          forget();
          done();
        });
        scope.addHook('onClose', (_instance, done) => {
          clearInterval(timer);
          done();
        });
      },
      { prefix: API_PREFIX },
    );
  }
  return app;
}

/** The process's logger as Fastify's: requests logged as {@link requestSerializers} says. */
function fastifyLogger(logger: Logger): FastifyBaseLogger {
  return logger.child({}, { serializers: requestSerializers });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What a browser gets for a path the server does not have: a page of the console's, leading back to its overview. */
function notFoundPage(reply: FastifyReply, path: string): FastifyReply {
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'self'; frame-ancestors 'none'; base-uri 'none'")
    .send(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>Not found · custsync</title><link rel="stylesheet" href="/console.css"></head>` +
        `<body><main><h1>Not found</h1><p>There is no page at <code>${escapeHtml(path)}</code>.</p><p><a href="/">Go to the overview</a></p></main></body></html>\n`,
    );
}

/** A path or query value the database could not store (a NUL, say): refused like one in a body. */
function unstorableInUrl(values: unknown, part: 'path' | 'query'): HttpProblem | undefined {
  const found = findUnstorableValue(values);
  if (!found) return undefined;
  const field = `${part}.${found.path}`;
  return new HttpProblem(400, `${field} ${found.reason}`, { errors: [{ field, rule: found.reason }] });
}

const resolved = new WeakMap<FastifyRequest, ApiToken | null>();

/** The token a request's bearer credential is (checked once per request). */
function tokenOf(request: FastifyRequest, tokens: readonly ApiToken[]): ApiToken | undefined {
  let token = resolved.get(request);
  if (token === undefined) {
    const bearer = bearerOf(request.headers.authorization);
    token = (bearer !== undefined ? matchToken(tokens, bearer) : undefined) ?? null;
    resolved.set(request, token);
  }
  return token ?? undefined;
}
