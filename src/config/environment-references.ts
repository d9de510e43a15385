/** A setting that names an environment variable (`passwordEnv`, `tokenEnv`, `valueEnv`, …) which is not set. */
export interface UnsetEnvironmentReference {
  /** The setting's path in the config, e.g. `connectors.erp.sftp.passwordEnv`. */
  path: string;
  variable: string;
}

/**
 * Every setting of the config whose name ends in `Env` and whose variable is unset or empty.
 * Connectors read secrets through such settings only when they connect; this finds them all
 * at startup instead.
 */
export function unsetEnvironmentReferences(config: unknown, env: NodeJS.ProcessEnv = process.env, path = ''): UnsetEnvironmentReference[] {
  if (Array.isArray(config)) return config.flatMap((item, i) => unsetEnvironmentReferences(item, env, `${path}.${i}`));
  if (config === null || typeof config !== 'object') return [];
  return Object.entries(config).flatMap(([key, value]) => {
    const at = path === '' ? key : `${path}.${key}`;
    if (key.endsWith('Env') && typeof value === 'string') return env[value] ? [] : [{ path: at, variable: value }];
    return unsetEnvironmentReferences(value, env, at);
  });
}
