import { existsSync, readFileSync } from 'node:fs';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/client';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue.js';

/** The config file's `temporal:` section: used where neither the environment nor a TOML profile says otherwise. */
export const temporalConfigSchema = z.strictObject({
  /** host:port of the frontend; default `127.0.0.1:7233` (the dev server). */
  address: z.string().min(1).optional(),
  /** Default `default`. */
  namespace: z.string().min(1).optional(),
  /** The task queue workers poll and runs start on; default `custsync`. */
  taskQueue: z.string().min(1).optional(),
  /** A profile of Temporal's TOML client config (`temporal config`), as `--profile` names one. */
  profile: z.string().min(1).optional(),
  /** The TOML client config file; default `TEMPORAL_CONFIG_FILE`, else Temporal's own default path. */
  configFile: z.string().min(1).optional(),
  /** Environment variable holding an API key (Temporal Cloud); an API key implies TLS. */
  apiKeyEnv: z.string().min(1).optional(),
  /** TLS: `true` with the system's CAs, or the files to use. */
  tls: z
    .union([
      z.boolean(),
      z.strictObject({
        /** PEM CA certificate(s) that signed the server's certificate. */
        serverCaCertFile: z.string().min(1).optional(),
        /** PEM client certificate and key, for mTLS. */
        clientCertFile: z.string().min(1).optional(),
        clientKeyFile: z.string().min(1).optional(),
        /** The name to check the server's certificate against, when it differs from the address's host. */
        serverName: z.string().min(1).optional(),
      }),
    ])
    .optional(),
});

export type TemporalConfig = z.infer<typeof temporalConfigSchema>;

/** Where and how to reach Temporal, resolved as Temporal's own tools do. */
export interface TemporalSettings {
  /** host:port; default `127.0.0.1:7233`. */
  address: string;
  /** Default `default`. */
  namespace: string;
  /** `CUSTSYNC_TASK_QUEUE`; default `custsync`. */
  taskQueue: string;
  /** TLS for the gRPC connection (absent: plaintext). */
  tls?: TLSConfig | boolean;
  /** A secret: never logged, never in an error. */
  apiKey?: string;
  /** gRPC metadata sent with every call (`TEMPORAL_GRPC_META_*`). */
  metadata?: Record<string, string>;
  /** What decided the settings, for messages: e.g. `TEMPORAL_ADDRESS`, `profile prod of /etc/temporal.toml`. */
  source?: string;
}

/** A Temporal connection setting that cannot be used, naming the setting and how to fix it. */
export class TemporalSettingsError extends Error {
  override readonly name = 'TemporalSettingsError';
}

function readPem(file: string, setting: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TemporalSettingsError(`${setting}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); point it at a PEM file`);
  }
}

/** The config section as a TOML-style profile (files read, the API key taken from its variable). */
function profileOfSection(section: TemporalConfig | undefined, env: NodeJS.ProcessEnv): ClientConfigProfile {
  if (!section) return {};
  const profile: ClientConfigProfile = {};
  if (section.address) profile.address = section.address;
  if (section.namespace) profile.namespace = section.namespace;
  if (section.apiKeyEnv) {
    const key = env[section.apiKeyEnv];
    if (!key) throw new TemporalSettingsError(`temporal.apiKeyEnv: environment variable ${section.apiKeyEnv} is not set; set it to the API key, or remove apiKeyEnv`);
    profile.apiKey = key;
  }
  const tls = section.tls;
  if (tls === true) profile.tls = {};
  if (tls === false) profile.tls = { disabled: true };
  if (tls && typeof tls === 'object') {
    profile.tls = {
      ...(tls.serverName ? { serverName: tls.serverName } : {}),
      ...(tls.serverCaCertFile ? { serverCACert: { data: readPem(tls.serverCaCertFile, 'temporal.tls.serverCaCertFile') } } : {}),
      ...(tls.clientCertFile ? { clientCert: { data: readPem(tls.clientCertFile, 'temporal.tls.clientCertFile') } } : {}),
      ...(tls.clientKeyFile ? { clientKey: { data: readPem(tls.clientKeyFile, 'temporal.tls.clientKeyFile') } } : {}),
    };
  }
  return profile;
}

/** Files named by the environment's TLS settings must exist: the SDK would otherwise fail later, naming none. */
function checkTlsFiles(env: NodeJS.ProcessEnv): void {
  for (const variable of ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH']) {
    const file = env[variable];
    if (file && !existsSync(file)) throw new TemporalSettingsError(`${variable}: no file ${file}; point it at a PEM file`);
  }
  if (Boolean(env.TEMPORAL_TLS_CLIENT_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_CLIENT_KEY_PATH)) {
    throw new TemporalSettingsError('TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together: set both for a client certificate, or neither');
  }
}

/**
 * Temporal's connection settings as Temporal's own CLI and SDKs read them (`@temporalio/envconfig`):
 * the environment (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS*`,
 * `TEMPORAL_GRPC_META_*`) over a TOML profile (`--profile` or `TEMPORAL_PROFILE` in
 * `TEMPORAL_CONFIG_FILE` or the default file), over the config file's `temporal:` section, over
 * the local defaults. An API key implies TLS.
 * @throws TemporalSettingsError naming the setting that cannot be used
 */
export function resolveTemporalSettings(
  options: { env?: NodeJS.ProcessEnv; profile?: string; section?: TemporalConfig } = {},
): TemporalSettings {
  const env = options.env ?? process.env;
  const section = options.section;
  const configFile = env.TEMPORAL_CONFIG_FILE ?? section?.configFile;
  const configSetting = env.TEMPORAL_CONFIG_FILE ? 'TEMPORAL_CONFIG_FILE' : 'temporal.configFile';
  if (configFile && !existsSync(configFile)) throw new TemporalSettingsError(`${configSetting}: no file ${configFile}; create it (temporal config set …) or unset it`);
  const profileName = options.profile ?? env.TEMPORAL_PROFILE ?? section?.profile;
  checkTlsFiles(env);
  let fromToml: ClientConfigProfile;
  try {
    fromToml = loadClientConfigProfile({
      ...(profileName ? { profile: profileName } : {}),
      ...(configFile ? { configSource: { path: configFile } } : {}),
      overrideEnvVars: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    });
  } catch (error) {
    const where = configFile ?? "Temporal's default config file";
    throw new TemporalSettingsError(`Temporal client config (${where}${profileName ? `, profile ${profileName}` : ''}): ${(error as Error).message}`);
  }
  const fromSection = profileOfSection(section, env);
  const merged: ClientConfigProfile = {
    ...fromSection,
    ...Object.fromEntries(Object.entries(fromToml).filter(([, v]) => v !== undefined)),
    ...(fromToml.tls || fromSection.tls ? { tls: { ...fromSection.tls, ...fromToml.tls } } : {}),
  };
  const { connectionOptions, namespace } = toClientOptions(merged);
  const source = env.TEMPORAL_ADDRESS
    ? 'TEMPORAL_ADDRESS'
    : profileName || configFile
      ? `profile ${profileName ?? 'default'} of ${configFile ?? "Temporal's default config file"}`
      : section?.address
        ? 'the config file (temporal.address)'
        : 'the default';
  return {
    address: connectionOptions.address ?? '127.0.0.1:7233',
    namespace: namespace ?? 'default',
    taskQueue: env.CUSTSYNC_TASK_QUEUE || section?.taskQueue || DEFAULT_TASK_QUEUE,
    ...(connectionOptions.tls !== undefined && connectionOptions.tls !== null ? { tls: connectionOptions.tls } : {}),
    ...(connectionOptions.apiKey !== undefined && typeof connectionOptions.apiKey === 'string' ? { apiKey: connectionOptions.apiKey } : {}),
    ...(connectionOptions.metadata && Object.keys(connectionOptions.metadata).length > 0 ? { metadata: connectionOptions.metadata as Record<string, string> } : {}),
    source,
  };
}

/** The settings from the environment alone (no profile, no config file section). */
export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  return resolveTemporalSettings({ env });
}

/** How the connection is secured, for messages: never the secrets themselves. */
export function describeTemporalSecurity(settings: TemporalSettings): string {
  const tls = settings.tls === undefined || settings.tls === false ? 'plaintext' : typeof settings.tls === 'object' && settings.tls.clientCertPair ? 'mTLS' : 'TLS';
  return `${tls}${settings.apiKey ? ', API key' : ''}`;
}

/** The options a client `Connection` and a worker's `NativeConnection` both take. */
export function connectionOptionsOf(settings: TemporalSettings): { address: string; tls?: TLSConfig | boolean; apiKey?: string; metadata?: Record<string, string> } {
  return {
    address: settings.address,
    ...(settings.tls !== undefined ? { tls: settings.tls } : {}),
    ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
    ...(settings.metadata !== undefined ? { metadata: settings.metadata } : {}),
  };
}
