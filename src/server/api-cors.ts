import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { ApiSettings } from '../config/api-settings.js';

/** Headers a browser page may send to the API, and those it may read from answers. */
const REQUEST_HEADERS = ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'x-request-id'];
const ANSWER_HEADERS = ['etag', 'location', 'x-request-id', 'retry-after', 'allow'];

/** CORS options for the configured origins: bearer tokens, so no cookies (`credentials` off). */
export function corsOptionsOf(settings: NonNullable<ApiSettings['cors']>): FastifyCorsOptions {
  return {
    origin: settings.origins,
    methods: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: REQUEST_HEADERS,
    exposedHeaders: ANSWER_HEADERS,
    maxAge: settings.maxAge,
    credentials: false,
  };
}

/**
 * Lets pages on `api.cors.origins` call the API; preflight requests are answered before
 * authentication (browsers send them without the token). Nothing is registered without it.
 */
export async function allowConfiguredOrigins(scope: FastifyInstance, settings: ApiSettings): Promise<void> {
  if (settings.cors) await scope.register(cors, corsOptionsOf(settings.cors));
}
