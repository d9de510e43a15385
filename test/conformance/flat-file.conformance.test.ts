import { existsSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flatFileConnectorSchema } from '../../src/connectors/flat-file/flat-file-config.js';
import { createFlatFileConnector } from '../../src/connectors/flat-file/flat-file-connector.js';
import { describeConnectorConformance } from './connector-conformance.js';
import { writeTemplateFile } from './flat-file-fixture.js';

describeConnectorConformance({
  type: 'flat-file',
  faults: ['missing', 'malformed'],
  setup(customers) {
    const folder = mkdtempSync(join(tmpdir(), 'custsync-conformance-'));
    writeTemplateFile(folder, customers);
    const config = flatFileConnectorSchema.parse({ type: 'flat-file', folder });
    return Promise.resolve({
      connect: () => createFlatFileConnector('erp', config),
      faults: {
        missing: () => renameSync(folder, `${folder}.gone`),
        // A file whose header is not the template's: the run fails naming the file.
        malformed: () => void writeFileSync(join(folder, 'customer_20261101T020000.txt'), 'name|code\nAcme|C1\n'),
      },
      heal: () => {
        if (existsSync(`${folder}.gone`)) renameSync(`${folder}.gone`, folder);
        writeTemplateFile(folder, customers);
      },
      close: () => Promise.resolve(),
    });
  },
});
