import type { ConnectorConfigProblem } from '../connector-module.js';
import { sftpEnvironmentVariables } from '../file-transports/sftp-settings.js';
import { unreadableFile, unreadableFolder } from '../readable-path.js';
import type { FlatFileConnectorConfig } from './flat-file-config.js';
import { flatFileTransport } from './flat-file-transport.js';
import { loadReferenceData } from './reference-data.js';

/**
 * The folder is readable (for SFTP, with `network`: the server logs in and lists it), and the
 * reference data file loads and is valid.
 */
export async function flatFileReachability(
  name: string,
  config: FlatFileConnectorConfig,
  options: { network: boolean },
): Promise<ConnectorConfigProblem[]> {
  const problems: ConnectorConfigProblem[] = [];
  if (config.sftp) {
    const unset = sftpEnvironmentVariables(config.sftp).filter(([, variable]) => !process.env[variable]);
    if (unset.length === 0 && options.network) {
      await flatFileTransport(name, config)
        .list()
        .catch((error: unknown) => problems.push({ field: 'sftp', message: (error as Error).message }));
    }
  } else {
    const folder = await unreadableFolder(config.folder);
    if (folder) problems.push({ field: 'folder', message: folder });
  }
  const referenceFile = config.referenceData;
  if (typeof referenceFile === 'string') {
    const file = await unreadableFile(referenceFile);
    if (file) problems.push({ field: 'referenceData', message: file });
    else {
      await loadReferenceData(referenceFile).catch((error: unknown) =>
        problems.push({ field: 'referenceData', message: `${referenceFile}: ${(error as Error).message}` }),
      );
    }
  }
  return problems;
}

/** Local folders and files made absolute; with sftp, `folder` and `archiveFolder` are paths on the server. */
export function resolveFlatFilePaths(config: FlatFileConnectorConfig, abs: (path: string) => string): FlatFileConnectorConfig {
  return {
    ...config,
    folder: config.sftp ? config.folder : abs(config.folder),
    referenceData: typeof config.referenceData === 'string' ? abs(config.referenceData) : config.referenceData,
    archiveFolder: config.archiveFolder && (config.sftp ? config.archiveFolder : abs(config.archiveFolder)),
    ...(config.sftp ? { sftp: { ...config.sftp, downloadFolder: config.sftp.downloadFolder && abs(config.sftp.downloadFolder) } } : {}),
  };
}
