import { randomBytes } from 'node:crypto';

/** A session key that cannot be used, named with where it came from. */
export class SessionKeyError extends Error {
  override readonly name = 'SessionKeyError';
}

/**
 * The 32-byte key sealing console sessions: from the environment variable `variable` (64 hex
 * digits) when it is set, else a new random key (`ephemeral`: sessions end with the process).
 */
export function sessionKeyFrom(variable: string, env: NodeJS.ProcessEnv = process.env): { key: Buffer; ephemeral: boolean } {
  const value = env[variable];
  if (!value) return { key: randomBytes(32), ephemeral: true };
  if (!/^[0-9a-fA-F]{64}$/.test(value.trim())) {
    throw new SessionKeyError(`environment variable ${variable} must hold 64 hexadecimal digits (32 bytes), e.g. from: openssl rand -hex 32`);
  }
  return { key: Buffer.from(value.trim(), 'hex'), ephemeral: false };
}
