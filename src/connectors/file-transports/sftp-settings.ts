import { z } from 'zod';
import { durationSchema } from '../../domain/duration-schema.js';
import { environmentVariableName } from '../environment-secret.js';

/** How a flat-file connector reaches its SFTP server. Secrets are named environment variables, never values. */
export const sftpSettingsSchema = z
  .strictObject({
    host: z.string().min(1),
    /** Default 22. */
    port: z.number().int().min(1).max(65_535).default(22),
    username: z.string().min(1),
    /** Environment variable holding the password. */
    passwordEnv: environmentVariableName.optional(),
    /** Environment variable holding a private key (OpenSSH or PEM text). */
    privateKeyEnv: environmentVariableName.optional(),
    /** Environment variable holding the private key's passphrase. */
    passphraseEnv: environmentVariableName.optional(),
    /** The server's host-key fingerprint as `ssh-keygen -lf` prints it (`SHA256:…`). */
    hostKeyFingerprint: z
      .string()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'use the SHA256:… form that `ssh-keygen -lf <host key>.pub` prints')
      .optional(),
    /** Skip host-key verification (any server answering on host:port is trusted); default false. */
    acceptAnyHostKey: z.boolean().default(false),
    /** How long connecting and logging in may take; default 20s. */
    connectTimeout: durationSchema.default(20_000),
    /** A transfer that receives nothing for this long is aborted (and retried); default 60s. */
    idleTimeout: durationSchema.default(60_000),
    /** Local folder for downloaded files (relative paths resolve against the config file); default the system temp folder. */
    downloadFolder: z.string().min(1).optional(),
  })
  .refine((s) => s.passwordEnv !== undefined || s.privateKeyEnv !== undefined, {
    message: 'give passwordEnv or privateKeyEnv: the environment variable holding the password or private key',
    path: ['passwordEnv'],
  })
  .refine((s) => (s.hostKeyFingerprint !== undefined) !== s.acceptAnyHostKey, {
    message:
      'give hostKeyFingerprint (SHA256:… from `ssh-keygen -lf`), or acceptAnyHostKey: true to skip verification — one of them, not both',
    path: ['hostKeyFingerprint'],
  });

export type SftpSettings = z.infer<typeof sftpSettingsSchema>;

/** The environment variables the settings name, by field, for `config check`. */
export function sftpEnvironmentVariables(settings: SftpSettings): [field: string, variable: string][] {
  const fields = ['passwordEnv', 'privateKeyEnv', 'passphraseEnv'] as const;
  return fields.flatMap((f) => (settings[f] ? [[f, settings[f]] as [string, string]] : []));
}
