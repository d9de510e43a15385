import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonlFileConnectorSchema } from '../../src/connectors/jsonl-file/jsonl-file-config.js';
import { createJsonlFileConnector } from '../../src/connectors/jsonl-file/jsonl-file-connector.js';
import { describeConnectorConformance } from './connector-conformance.js';

describeConnectorConformance({
  type: 'jsonl-file',
  faults: ['missing'],
  setup(customers) {
    const path = join(mkdtempSync(join(tmpdir(), 'custsync-conformance-')), 'customers.jsonl');
    writeFileSync(path, customers.map((c) => JSON.stringify({ externalId: c.externalId, type: 'COMPANY', name: { companyName: c.companyName } })).join('\n') + '\n');
    const config = jsonlFileConnectorSchema.parse({ type: 'jsonl-file', path });
    return Promise.resolve({
      connect: () => createJsonlFileConnector('crm', config),
      faults: { missing: () => renameSync(path, `${path}.gone`) },
      heal: () => renameSync(`${path}.gone`, path),
      close: () => Promise.resolve(),
    });
  },
});
