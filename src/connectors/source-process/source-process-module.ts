import type { z } from 'zod';
import type { Connector } from '../connector.js';
import { connectorModule, type ConnectorModule } from '../connector-module.js';
import type { SourceCommandConfig } from './source-command-config.js';
import { sourceConfigProblems, type SourceProbe } from './source-config-problems.js';

/**
 * The connector type of a source process protocol: the aspects a record mapping can supply,
 * listing with incremental cursors, inputs never consumed, and `config check` through the protocol's probe.
 */
export function sourceProcessModule<Schema extends z.ZodType<SourceCommandConfig>>(declared: {
  type: string;
  /** What the process is, in messages ("airbyte source"). */
  kind: string;
  configSchema: Schema;
  probe: SourceProbe;
  create: (name: string, config: z.output<Schema>) => Connector;
}): ConnectorModule<Schema> {
  const withExecutable = (config: z.output<Schema>, abs: (path: string) => string): z.output<Schema> => {
    const executable = (config as SourceCommandConfig).executable;
    return executable?.includes('/') ? { ...config, executable: abs(executable) } : config;
  };
  return connectorModule({
    type: declared.type,
    configSchema: declared.configSchema,
    aspects: ['name', 'addresses', 'contactPersons', 'customerAttributes', 'customerContactDetails', 'relations'],
    capabilities: ['list', 'changesSince'],
    consumesInputs: false,
    // A relative executable path is relative to the config file; a bare name is looked up on PATH.
    resolvePaths: withExecutable,
    checkReachable: (name, config, options) => sourceConfigProblems(name, declared.kind, config, declared.probe, options),
    create: (name, config) => declared.create(name, config),
  });
}
