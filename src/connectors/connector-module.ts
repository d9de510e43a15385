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

/**
 * A connector type: its config schema (a strict object whose `type` is the type's name),
 * the aspects it can supply, its capabilities, and how to build one.
 */
export interface ConnectorModule<Schema extends z.ZodType = z.ZodType> {
  type: string;
  configSchema: Schema;
  aspects: readonly Aspect[];
  capabilities: readonly Capability[];
  create(name: string, config: z.output<Schema>): Connector;
}

/** Declares a connector module with its config type inferred from its schema. */
export function connectorModule<Schema extends z.ZodType>(module: ConnectorModule<Schema>): ConnectorModule<Schema> {
  return module;
}
