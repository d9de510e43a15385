import { ASPECTS } from '../../domain/customer-record.js';
import { connectorModule } from '../connector-module.js';
import { jsonlFileConnectorSchema } from './jsonl-file-config.js';
import { createJsonlFileConnector } from './jsonl-file-connector.js';
import { unreadableFile } from '../readable-path.js';

/** Customer records as JSON lines in one file: any aspect, and lookups by external id. */
export const jsonlFileModule = connectorModule({
  type: 'jsonl-file',
  configSchema: jsonlFileConnectorSchema,
  aspects: ASPECTS,
  capabilities: ['list', 'lookup'],
  consumesInputs: false,
  resolvePaths: (config, abs) => ({ ...config, path: abs(config.path) }),
  async checkReachable(_name, config) {
    const file = await unreadableFile(config.path);
    return file ? [{ field: 'path', message: file }] : [];
  },
  create: createJsonlFileConnector,
});
