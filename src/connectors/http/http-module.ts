import { ASPECTS } from '../../domain/customer-record.js';
import { connectorModule } from '../connector-module.js';
import { httpConnectorSchema } from './http-config.js';
import { createHttpConnector } from './http-connector.js';

/** Customers listed from an HTTP API (paged, authenticated, mapped; incrementally when configured): any aspect. */
export const httpModule = connectorModule({
  type: 'http',
  configSchema: httpConnectorSchema,
  aspects: ASPECTS,
  capabilities: ['list', 'changesSince'],
  consumesInputs: false,
  create: createHttpConnector,
});
