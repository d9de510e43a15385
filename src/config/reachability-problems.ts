import { connectorModuleOf } from '../connectors/connector-registry.js';
import type { CustsyncConfig } from './config-schema.js';
import { unsetEnvironmentReferences } from './environment-references.js';

/** A problem `config check` finds in what the config points at, with the config path it concerns. */
export interface ReachabilityProblem {
  path: string;
  message: string;
  /** Only the connector's runs fail until it is fixed: a worker starts regardless (see ConnectorConfigProblem). */
  warning?: boolean;
}

/**
 * Checks, without a run, what each connector needs: every environment variable a setting
 * names (`passwordEnv`, `tokenEnv`, `valueEnv`, …) is set, and whatever its type's module
 * checks (folders and files exist and are readable, reference data loads; with `network`,
 * SFTP servers log in and list their folders).
 */
export async function reachabilityProblems(
  config: CustsyncConfig,
  options: { /** Also reach remote servers (default true). */ network?: boolean } = {},
): Promise<ReachabilityProblem[]> {
  const network = options.network ?? true;
  const problems: ReachabilityProblem[] = unsetEnvironmentReferences(config).map(({ path, variable }) => ({
    path,
    message: `environment variable ${variable} is not set`,
  }));
  for (const [name, connector] of Object.entries(config.connectors)) {
    const found = (await connectorModuleOf(connector.type)?.checkReachable?.(name, connector, { network })) ?? [];
    problems.push(...found.map(({ field, message, warning }) => ({ path: `connectors.${name}.${field}`, message, ...(warning ? { warning } : {}) })));
  }
  return problems;
}
