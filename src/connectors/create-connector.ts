import type { Connector, ConnectorFactory } from './connector.js';
import { connectorModuleOf, type ConnectorConfig } from './connector-registry.js';

/** A factory over the configured connectors; each connector is built once and reused. */
export function createConnectorFactory(definitions: Readonly<Record<string, ConnectorConfig>>): ConnectorFactory {
  const built = new Map<string, Connector>();
  return (name) => {
    const existing = built.get(name);
    if (existing) return existing;
    const definition = definitions[name];
    if (!definition) throw new Error(`unknown connector "${name}"`);
    const module = connectorModuleOf(definition.type);
    if (!module) throw new Error(`connector "${name}" has unknown type "${definition.type}"`);
    const connector = module.create(name, definition);
    built.set(name, connector);
    return connector;
  };
}
