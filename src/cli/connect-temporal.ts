import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { connectionOptionsOf, describeTemporalSecurity, type TemporalSettings } from '../config/temporal-settings.js';
import { diagnoseTemporalTls } from '../config/temporal-tls-diagnosis.js';
import { CliError } from './cli-error.js';

/**
 * Connects to Temporal for a command. `quickRetries` gives each call only a few quick retries
 * (about a second) instead of the client's default (about 25 s), for callers that retry
 * themselves and want to say so sooner, such as `followRun`.
 */
export async function connectTemporal(settings: TemporalSettings, options: { quickRetries?: boolean } = {}): Promise<Connection> {
  try {
    return await Connection.connect({
      ...connectionOptionsOf(settings),
      connectTimeout: '5 seconds',
      ...(options.quickRetries ? { interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }))] } : {}),
    });
  } catch (error) {
    throw new CliError(await temporalUnreachable(settings, error));
  }
}

/** Why Temporal could not be reached, naming the setting to fix; never the API key. */
async function temporalUnreachable(settings: TemporalSettings, error: unknown): Promise<string> {
  const reason = (error as Error).message ?? String(error);
  const tlsProblem = await diagnoseTemporalTls(settings);
  const said = `cannot reach Temporal at ${settings.address} (${describeTemporalSecurity(settings)}${settings.source ? `, from ${settings.source}` : ''}): ${tlsProblem ?? reason}`;
  const hint =
    tlsProblem !== undefined
      ? ''
      : settings.tls === undefined || settings.tls === false
        ? '; start it (npm run demo starts a dev server), set TEMPORAL_ADDRESS, or TEMPORAL_TLS=true if it speaks TLS'
        : '; check TEMPORAL_ADDRESS and that the server is up';
  const message = `${said}${hint}`;
  return settings.apiKey ? message.replaceAll(settings.apiKey, '***') : message;
}
