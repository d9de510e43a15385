import { existsSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flatFileConnectorSchema } from '../../src/connectors/flat-file/flat-file-config.js';
import { createFlatFileConnector } from '../../src/connectors/flat-file/flat-file-connector.js';
import { freePort } from '../../src/tooling/free-port.js';
import { sftpFolder, startSftpServer } from '../support/sftp-server.js';
import { describeConnectorConformance } from './connector-conformance.js';
import { writeTemplateFile } from './flat-file-fixture.js';

const PASSWORD_ENV = 'CUSTSYNC_CONFORMANCE_SFTP_PASSWORD';

/** The flat-file connector again, its files on a real SFTP server (password login). */
describeConnectorConformance({
  type: 'flat-file',
  label: 'over SFTP',
  faults: ['missing', 'refused', 'unavailable', 'malformed'],
  async setup(customers) {
    const server = await startSftpServer();
    const folder = await sftpFolder(server, 'inbox');
    writeTemplateFile(folder, customers);
    process.env[PASSWORD_ENV] = server.password;
    let port = server.port;
    const downloads = mkdtempSync(join(tmpdir(), 'custsync-conformance-downloads-'));
    const config = () =>
      flatFileConnectorSchema.parse({
        type: 'flat-file',
        folder,
        sftp: {
          host: server.host,
          port,
          username: server.username,
          passwordEnv: PASSWORD_ENV,
          hostKeyFingerprint: server.hostKeyFingerprint,
          connectTimeout: '3s',
          idleTimeout: '5s',
          downloadFolder: downloads,
        },
      });
    const nobodyListens = await freePort();
    return {
      connect: () => createFlatFileConnector('erp', config()),
      secret: server.password,
      faults: {
        missing: () => renameSync(folder, `${folder}.gone`),
        refused: () => void (process.env[PASSWORD_ENV] = `${server.password}-wrong`),
        unavailable: () => void (port = nobodyListens),
        malformed: () => void writeFileSync(join(folder, 'customer_20261101T020000.txt'), 'name|code\nAcme|C1\n'),
      },
      heal: () => {
        if (existsSync(`${folder}.gone`)) renameSync(`${folder}.gone`, folder);
        writeTemplateFile(folder, customers);
        process.env[PASSWORD_ENV] = server.password;
        port = server.port;
      },
      async close() {
        await server.stop();
        delete process.env[PASSWORD_ENV];
      },
    };
  },
});
