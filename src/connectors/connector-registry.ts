import { z } from 'zod';
import { airbyteSourceModule } from './airbyte-source/airbyte-source-module.js';
import type { ConnectorModule } from './connector-module.js';
import { flatFileModule } from './flat-file/flat-file-module.js';
import { httpModule } from './http/http-module.js';
import { jsonlFileModule } from './jsonl-file/jsonl-file-module.js';
import { omsModule } from './oms/oms-module.js';
import { singerTapModule } from './singer-tap/singer-tap-module.js';

/** Every connector type custsync knows; the config's `type` picks one. */
export const CONNECTOR_MODULES = [flatFileModule, jsonlFileModule, httpModule, omsModule, airbyteSourceModule, singerTapModule] as const;

/** A connector's config: the union of every module's schema, discriminated on `type`. */
export const connectorConfigSchema = z.discriminatedUnion('type', [
  flatFileModule.configSchema,
  jsonlFileModule.configSchema,
  httpModule.configSchema,
  omsModule.configSchema,
  airbyteSourceModule.configSchema,
  singerTapModule.configSchema,
]);

export type ConnectorConfig = z.infer<typeof connectorConfigSchema>;

/** The module of a connector type, if there is one. */
export function connectorModuleOf(type: unknown): ConnectorModule | undefined {
  return CONNECTOR_MODULES.find((m) => m.type === type);
}
