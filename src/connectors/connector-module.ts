import type { z } from 'zod';
import type { Aspect } from '../domain/customer-record.js';
import type { Connector } from './connector.js';

/**
 * What a connector can do:
 * - `list`: list its inputs and read every record in them (a source or enrichment step);
 * - `changesSince`: list only what changed since a cursor (incremental runs);
 * - `lookup`: look one customer up by external id (confirms deletions);
 * - `push`: create or update a customer in the connected system.
 */
export const CAPABILITIES = ['list', 'changesSince', 'lookup', 'push'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** A problem `config check` finds in what a connector's config points at: the field and what is wrong. */
export interface ConnectorConfigProblem {
  field: string;
  message: string;
  /** Only this connector's runs fail until it is fixed (a source package not installed yet): a worker starts regardless, and says so. */
  warning?: boolean;
}

/**
 * A connector type: its config schema (a strict object whose `type` is the type's name),
 * the aspects it can supply, its capabilities, whether it consumes its inputs, how its
 * config's paths resolve, what `config check` checks, and how to build one.
 */
export interface ConnectorModule<Schema extends z.ZodType = z.ZodType> {
  type: string;
  configSchema: Schema;
  aspects: readonly Aspect[];
  capabilities: readonly Capability[];
  /**
   * Inputs are processed once (files): a run records them, the next one skips them, so such
   * a connector can be the source of one flow only. False: every run reads what the source
   * holds now.
   */
  consumesInputs: boolean;
  /** The config with its relative local paths made absolute by `abs`; default unchanged. */
  resolvePaths?(config: z.output<Schema>, abs: (path: string) => string): z.output<Schema>;
  /**
   * What `config check` checks without a run: folders and files exist and are readable, and,
   * with `network`, remote servers answer. Unset environment variables are checked for every type.
   */
  checkReachable?(name: string, config: z.output<Schema>, options: { network: boolean }): Promise<ConnectorConfigProblem[]>;
  /** Folders on this machine the connector writes to (downloads), with the config field naming each; default none. */
  localFolders?(name: string, config: z.output<Schema>): { field: string; path: string }[];
  create(name: string, config: z.output<Schema>): Connector;
}

/** Declares a connector module with its config type inferred from its schema. */
export function connectorModule<Schema extends z.ZodType>(module: ConnectorModule<Schema>): ConnectorModule<Schema> {
  return module;
}
