import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { TemporalSettings } from '../config/temporal-settings.js';
import { CliError } from './cli-error.js';

/**
 * Connects to Temporal for a command. `quickRetries` gives each call only a few quick retries
 * (about a second) instead of the client's default (about 25 s), for callers that retry
 * themselves and want to say so sooner, such as `followRun`.
 */
export async function connectTemporal(settings: TemporalSettings, options: { quickRetries?: boolean } = {}): Promise<Connection> {
  try {
    return await Connection.connect({
      address: settings.address,
      connectTimeout: '5 seconds',
      ...(options.quickRetries ? { interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }))] } : {}),
    });
  } catch (error) {
    throw new CliError(
      `cannot reach Temporal at ${settings.address} (${(error as Error).message}); ` +
        'start it (npm run demo starts a dev server) or set TEMPORAL_ADDRESS',
    );
  }
}
