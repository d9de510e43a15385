import { z } from 'zod';
import { InputError } from './input-error.js';

/** A config setting naming the environment variable that holds a secret (never the secret). */
export const environmentVariableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable (letters, digits, _)');

/**
 * The secret in `variable`, read now. An unset or empty variable is an InputError naming
 * the variable and the setting (`setting`, e.g. `sftp.passwordEnv`) that names it.
 */
export function environmentSecret(connector: string, setting: string, variable: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new InputError(`connector ${connector}: environment variable ${variable} (${setting}) is not set`);
  }
  return value;
}
