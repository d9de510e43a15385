import type { CustsyncConfig } from '../config/config-schema.js';
import type { Connector, ConnectorFactory } from './connector.js';
import { createFlatFileConnector } from './flat-file/flat-file-connector.js';
import { createJsonlFileConnector } from './jsonl-file/jsonl-file-connector.js';

/** A factory over the configured connectors; each connector is built once and reused. */
export function createConnectorFactory(config: CustsyncConfig): ConnectorFactory {
  const built = new Map<string, Connector>();
  return (name) => {
    const existing = built.get(name);
    if (existing) return existing;
    const definition = config.connectors[name];
    if (!definition) throw new Error(`unknown connector "${name}"`);
    let connector: Connector;
    switch (definition.type) {
      case 'flat-file':
        connector = createFlatFileConnector(name, definition);
        break;
      case 'jsonl-file':
        connector = createJsonlFileConnector(name, definition);
        break;
    }
    built.set(name, connector);
    return connector;
  };
}
