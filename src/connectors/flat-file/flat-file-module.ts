import { connectorModule } from '../connector-module.js';
import { flatFileConnectorSchema } from './flat-file-config.js';
import { createFlatFileConnector } from './flat-file-connector.js';
import { TEMPLATE_ASPECTS } from './template-aspects.js';

/** Standard-template flat files from a local folder or an SFTP server. */
export const flatFileModule = connectorModule({
  type: 'flat-file',
  configSchema: flatFileConnectorSchema,
  aspects: TEMPLATE_ASPECTS,
  capabilities: ['list'],
  create: createFlatFileConnector,
});
