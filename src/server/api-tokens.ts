import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiScope, ApiSettings } from '../config/api-settings.js';

/** A configured API token, ready to check requests against. */
export interface ApiToken {
  name: string;
  system: string;
  scopes: ReadonlySet<ApiScope>;
  /** SHA-256 of the token. */
  hash: Buffer;
  /** Requests per minute. */
  rateLimit: number;
}

/** A token whose variable is unset: named with its config path. */
export class ApiTokenError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ApiTokenError';
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The tokens of the config, their hashes taken from the config or from the environment. */
export function resolveApiTokens(settings: ApiSettings, env: NodeJS.ProcessEnv = process.env): ApiToken[] {
  const problems: string[] = [];
  const tokens = Object.entries(settings.tokens).flatMap(([name, t]) => {
    let hash: Buffer | undefined;
    if (t.sha256) hash = Buffer.from(t.sha256, 'hex');
    else {
      const value = env[t.tokenEnv!];
      if (!value) problems.push(`api.tokens.${name}.tokenEnv: environment variable ${t.tokenEnv} is not set; set it to the token`);
      else hash = sha256(value);
    }
    return hash ? [{ name, system: t.system, scopes: new Set(t.scopes), hash, rateLimit: t.rateLimit ?? settings.rateLimit }] : [];
  });
  if (problems.length > 0) throw new ApiTokenError(problems);
  return tokens;
}

/**
 * The token a bearer credential is, or undefined. Every configured hash is compared, in
 * constant time, whether or not an earlier one matched.
 */
export function matchToken(tokens: readonly ApiToken[], presented: string): ApiToken | undefined {
  const hash = sha256(presented);
  let found: ApiToken | undefined;
  for (const token of tokens) if (timingSafeEqual(token.hash, hash) && !found) found = token;
  return found;
}

/** The bearer credential of an `Authorization` header, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
