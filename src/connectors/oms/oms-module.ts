import { connectorModule } from '../connector-module.js';
import { omsConnectorSchema } from './oms-config.js';
import { createOmsConnector } from './oms-connector.js';

/** The OMS preset (reference 002): private and business customers, both ways. */
export const omsModule = connectorModule({
  type: 'oms',
  configSchema: omsConnectorSchema,
  aspects: ['name', 'contactPersons', 'addresses', 'customerAttributes', 'customerContactDetails', 'relations'],
  capabilities: ['list', 'lookup', 'push'],
  consumesInputs: false,
  create: createOmsConnector,
});
