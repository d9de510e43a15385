import { connectorModule } from '../connector-module.js';
import { flatFileConnectorSchema } from './flat-file-config.js';
import { createFlatFileConnector } from './flat-file-connector.js';
import { flatFileReachability, resolveFlatFilePaths } from './flat-file-reachability.js';
import { sftpDownloadFolder } from './flat-file-transport.js';
import { TEMPLATE_ASPECTS } from './template-aspects.js';

/** Standard-template flat files from a local folder or an SFTP server. */
export const flatFileModule = connectorModule({
  type: 'flat-file',
  configSchema: flatFileConnectorSchema,
  aspects: TEMPLATE_ASPECTS,
  capabilities: ['list'],
  consumesInputs: true,
  resolvePaths: resolveFlatFilePaths,
  checkReachable: flatFileReachability,
  localFolders: (name, config) => {
    const path = sftpDownloadFolder(name, config);
    return path ? [{ field: 'sftp.downloadFolder', path }] : [];
  },
  create: createFlatFileConnector,
});
