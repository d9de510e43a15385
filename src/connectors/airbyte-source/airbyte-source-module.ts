import { sourceProcessModule } from '../source-process/source-process-module.js';
import { airbyteCheck, airbyteDiscover, airbyteSpec } from './airbyte-commands.js';
import { airbyteSourceConnectorSchema } from './airbyte-source-config.js';
import { createAirbyteSourceConnector } from './airbyte-source-connector.js';

/**
 * Customers from any Airbyte source (HubSpot, Salesforce, Shopify, Stripe, files, databases…),
 * one stream mapped onto the customer aspects; full refresh or incremental from its state.
 */
export const airbyteSourceModule = sourceProcessModule({
  type: 'airbyte-source',
  kind: 'airbyte source',
  configSchema: airbyteSourceConnectorSchema,
  probe: {
    configSchema: (run) => airbyteSpec(run),
    check: (run) => airbyteCheck(run),
    streams: async (run) => (await airbyteDiscover(run)).streams.map((s) => ({ name: s.name, schema: s.json_schema })),
  },
  create: createAirbyteSourceConnector,
});
