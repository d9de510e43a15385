import type { ApiScope } from '../config/api-settings.js';
import type { ApiWriter } from '../operations/customer-api/api-writer.js';
import type { ApiToken } from './api-tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The token the request authenticated with (customer API routes). */
    apiToken?: ApiToken;
  }
  interface FastifyContextConfig {
    /** The scope a customer API route needs. */
    scope?: ApiScope;
  }
}

/** The writer a token writes as. */
export function writerOf(token: ApiToken): ApiWriter {
  return { system: token.system, token: token.name, admin: token.scopes.has('admin') };
}
