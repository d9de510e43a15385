import { environmentReferences } from './environment-references.js';

/** Variables read for secrets outside the config: Temporal's API key and the order webhook's signing secret. */
const SECRET_VARIABLES = ['TEMPORAL_API_KEY', 'CUSTSYNC_WEBHOOK_SECRET', 'CUSTSYNC_SESSION_KEY'];

/**
 * The values of every variable the config names (`passwordEnv`, `tokenEnv`, `valueEnv`,
 * `sessionKeyVariable`, …) and of the other secret variables: what a log must never show.
 */
export function secretValues(config: unknown, env: NodeJS.ProcessEnv = process.env, more: readonly string[] = []): string[] {
  const names = new Set([...environmentReferences(config).map((r) => r.variable), ...SECRET_VARIABLES, ...more]);
  return [...names].map((name) => env[name]).filter((value): value is string => typeof value === 'string' && value !== '');
}
