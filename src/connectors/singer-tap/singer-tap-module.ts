import { sourceProcessModule } from '../source-process/source-process-module.js';
import { singerDiscover, singerSettingsSchema, singerStreamNames } from './singer-process.js';
import { singerTapConnectorSchema } from './singer-tap-config.js';
import { createSingerTapConnector } from './singer-tap-connector.js';

/** Customers from any Singer tap (HubSpot, Salesforce, Shopify, files, databases…), one stream mapped onto the customer aspects. */
export const singerTapModule = sourceProcessModule({
  type: 'singer-tap',
  kind: 'singer tap',
  configSchema: singerTapConnectorSchema,
  probe: {
    configSchema: (run) => singerSettingsSchema(run),
    streams: async (run) => singerStreamNames(await singerDiscover(run)).map(({ name, stream }) => ({ name, schema: stream.schema })),
  },
  create: createSingerTapConnector,
});
