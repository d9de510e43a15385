import { ASPECTS } from '../../domain/customer-record.js';
import { connectorModule } from '../connector-module.js';
import { jsonlFileConnectorSchema } from './jsonl-file-config.js';
import { createJsonlFileConnector } from './jsonl-file-connector.js';

/** Customer records as JSON lines in one file: any aspect, and lookups by external id. */
export const jsonlFileModule = connectorModule({
  type: 'jsonl-file',
  configSchema: jsonlFileConnectorSchema,
  aspects: ASPECTS,
  capabilities: ['list', 'lookup'],
  create: createJsonlFileConnector,
});
