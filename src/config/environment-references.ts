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
export function unsetEnvironmentReferences(config: unknown, env: NodeJS.ProcessEnv = process.env): UnsetEnvironmentReference[] {
  return environmentReferences(config).filter((reference) => reference.path.endsWith('Env') && !env[reference.variable]);
}

/** Every setting of the config that names an environment variable: those ending in `Env` or `Variable` (`console.sessionKeyVariable`). */
export function environmentReferences(config: unknown, path = ''): UnsetEnvironmentReference[] {
  if (Array.isArray(config)) return config.flatMap((item, i) => environmentReferences(item, `${path}.${i}`));
  if (config === null || typeof config !== 'object') return [];
  return Object.entries(config).flatMap(([key, value]) => {
    const at = path === '' ? key : `${path}.${key}`;
    if (/(Env|Variable)$/.test(key) && typeof value === 'string') return [{ path: at, variable: value }];
    return environmentReferences(value, at);
  });
}
