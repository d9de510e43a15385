import { createHash } from 'node:crypto';
import SftpClient from 'ssh2-sftp-client';
import { environmentSecret } from '../environment-secret.js';
import { InputError } from '../input-error.js';
import type { SftpSettings } from './sftp-settings.js';

/** `SHA256:…` of a raw host key, as OpenSSH prints it. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export function sftpLocation(settings: SftpSettings, folder: string): string {
  return `sftp://${settings.username}@${settings.host}:${settings.port}${folder.startsWith('/') ? '' : '/'}${folder}`;
}

const secret = (connector: string, field: string, variable: string | undefined, env: NodeJS.ProcessEnv) =>
  variable === undefined ? undefined : environmentSecret(connector, `sftp.${field}`, variable, env);

/**
 * Opens one SFTP session, runs `work` and closes it. Host key and authentication failures
 * are InputErrors (no retry helps); a refused, dropped or slow connection is retried.
 * Messages name the server and never a secret.
 */
export async function withSftpSession<T>(
  connector: string,
  settings: SftpSettings,
  work: (client: SftpClient) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const where = `connector ${connector}: sftp://${settings.username}@${settings.host}:${settings.port}`;
  const password = secret(connector, 'passwordEnv', settings.passwordEnv, env);
  const privateKey = secret(connector, 'privateKeyEnv', settings.privateKeyEnv, env);
  const passphrase = secret(connector, 'passphraseEnv', settings.passphraseEnv, env);
  let presented: string | undefined;
  let lost: Error | undefined;
  // The client's default listeners print to the console; a lost connection is reported with the failure instead.
  const client = new SftpClient(connector, {
    error: (error: unknown) => {
      lost ??= error instanceof Error ? error : new Error(String(error));
    },
    end: () => undefined,
    close: () => undefined,
  });
  try {
    await client.connect({
      host: settings.host,
      port: settings.port,
      username: settings.username,
      ...(password !== undefined ? { password } : {}),
      ...(privateKey !== undefined ? { privateKey } : {}),
      ...(passphrase !== undefined ? { passphrase } : {}),
      readyTimeout: settings.connectTimeout,
      keepaliveInterval: Math.max(1_000, Math.floor(settings.idleTimeout / 3)),
      keepaliveCountMax: 3,
      retries: 0,
      hostVerifier: (key: Buffer) => {
        presented = hostKeyFingerprint(key);
        return settings.acceptAnyHostKey || presented === settings.hostKeyFingerprint;
      },
    });
  } catch (error) {
    await client.end().catch(() => undefined);
    const message = (error as Error).message;
    if (!settings.acceptAnyHostKey && presented !== undefined && presented !== settings.hostKeyFingerprint) {
      throw new InputError(
        `${where}: the server's host key is ${presented}, not the configured sftp.hostKeyFingerprint ${settings.hostKeyFingerprint}; ` +
          'if the server was re-keyed, update the fingerprint; otherwise this is not the server you configured',
      );
    }
    if (/authentication methods failed|All configured authentication/i.test(message)) {
      throw new InputError(`${where}: login refused for ${settings.username}; check the credentials in the environment variables the config names`);
    }
    throw new Error(`${where}: cannot connect: ${message}`, { cause: error });
  }
  try {
    return await work(client);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const connection = lost && !(error as Error).message.includes(lost.message) ? ` (connection lost: ${lost.message})` : '';
    throw new Error(`${where}: ${(error as Error).message}${connection}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}
