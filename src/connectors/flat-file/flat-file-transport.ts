import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlatFileConnectorConfig } from './flat-file-config.js';
import type { FileTransport } from '../file-transports/file-transport.js';
import { localFolderTransport } from '../file-transports/local-folder-transport.js';
import { sftpTransport } from '../file-transports/sftp-transport.js';

/** Where SFTP files are downloaded to before they are read: `sftp.downloadFolder`, default under the system's temporary folder. */
export function sftpDownloadFolder(name: string, config: FlatFileConnectorConfig): string | undefined {
  if (!config.sftp) return undefined;
  return config.sftp.downloadFolder ?? join(tmpdir(), 'custsync-downloads', `${name}@${config.sftp.host}_${config.sftp.port}`);
}

/** The connector's folder: on an SFTP server when `sftp` is configured, else on this machine. */
export function flatFileTransport(name: string, config: FlatFileConnectorConfig): FileTransport {
  if (!config.sftp) return localFolderTransport(name, config.folder);
  return sftpTransport(name, config.sftp, config.folder, sftpDownloadFolder(name, config)!);
}
