import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { airbyteSourceConnectorSchema } from '../../src/connectors/airbyte-source/airbyte-source-config.js';
import { createAirbyteSourceConnector } from '../../src/connectors/airbyte-source/airbyte-source-connector.js';
import { describeConnectorConformance } from './connector-conformance.js';

const SCRIPTED = join(import.meta.dirname, '..', 'support', 'scripted-airbyte-source.mjs');

describeConnectorConformance({
  type: 'airbyte-source',
  label: 'over a source process speaking the Airbyte protocol',
  faults: ['unavailable', 'malformed'],
  setup(customers) {
    const customersFile = join(mkdtempSync(join(tmpdir(), 'custsync-conformance-')), 'companies.json');
    writeFileSync(customersFile, JSON.stringify(customers.map((c) => ({ id: c.externalId, name: c.companyName }))));
    let behaviour = 'ok';
    const configOf = () =>
      airbyteSourceConnectorSchema.parse({
        type: 'airbyte-source',
        executable: SCRIPTED,
        config: behaviour === 'ok' ? { behaviour, customersFile } : { behaviour },
        stream: 'companies',
        mapping: { externalId: 'id', type: 'COMPANY', name: { companyName: 'name' } },
      });
    return Promise.resolve({
      connect: () => createAirbyteSourceConnector('crm', configOf()),
      faults: {
        unavailable: () => {
          behaviour = 'crash';
        },
        malformed: () => {
          behaviour = 'garbage';
        },
      },
      heal: () => {
        behaviour = 'ok';
      },
      close: () => Promise.resolve(),
    });
  },
});
