import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type SftpClient from 'ssh2-sftp-client';
import { InputError } from '../input-error.js';
import { downloadCache } from './download-cache.js';
import type { FileTransport, ListedFile, LocalFile } from './file-transport.js';
import { sftpLocation, withSftpSession } from './sftp-connection.js';
import { sftpRangeReader } from './sftp-range-reader.js';
import type { SftpSettings } from './sftp-settings.js';

/** SFTP status code 2: no such file. */
const NO_SUCH_FILE = 2;
const isMissing = (error: unknown) =>
  (error as { code?: unknown }).code === NO_SUCH_FILE || /no such file/i.test((error as Error).message);

/**
 * Files in a folder on an SFTP server. Files are streamed to a local download folder
 * before they are read (never held in memory); an interrupted download resumes where
 * it stopped when the remote file is unchanged. One short session per operation.
 */
export function sftpTransport(connector: string, settings: SftpSettings, folder: string, downloadFolder: string): FileTransport {
  const cache = downloadCache(downloadFolder);
  const remote = (name: string) => posix.join(folder, name);
  const session = <T>(work: (client: SftpClient) => Promise<T>) => withSftpSession(connector, settings, work);
  const download = (client: SftpClient, file: ListedFile) =>
    cache.download(
      file,
      // The client's own streams read one request at a time; the session's SFTP channel allows many.
      (start) => sftpRangeReader((client as unknown as { sftp: SFTPWrapper }).sftp, remote(file.name), start, file.size),
      settings.idleTimeout,
    );

  return {
    location: sftpLocation(settings, folder),
    async list(): Promise<ListedFile[]> {
      const files = await session(async (client) => {
        const entries = await client.list(folder).catch((error: unknown) => {
          if (isMissing(error)) {
            throw new InputError(`connector ${connector}: folder ${folder} does not exist on ${settings.host}; check "folder" in the config`);
          }
          throw error;
        });
        return entries.filter((e) => e.type === '-').map((e) => ({ name: e.name, size: e.size, mtimeMs: e.modifyTime }));
      });
      await cache.retainOnly(new Set(files.map((f) => f.name)));
      return files;
    },
    async fetch(file: ListedFile): Promise<LocalFile> {
      return (await cache.complete(file)) ?? (await session((client) => download(client, file)));
    },
    async fetchListed(name: string, checksum: string): Promise<string> {
      const cached = await cache.withChecksum(name, checksum);
      if (cached) return cached;
      const fetched = await session(async (client) => {
        const info = await client.stat(remote(name)).catch((error: unknown) => {
          if (isMissing(error)) throw new InputError(`${name} is gone from ${sftpLocation(settings, folder)} since it was listed`);
          throw error;
        });
        return download(client, { name, size: info.size, mtimeMs: info.modifyTime });
      });
      if (fetched.checksum !== checksum) {
        throw new InputError(`${name} on ${sftpLocation(settings, folder)} changed since it was listed; a new run reads the new content`);
      }
      return fetched.path;
    },
    async archive(names: string[], archiveFolder: string): Promise<void> {
      await session(async (client) => {
        if (!(await client.exists(archiveFolder))) await client.mkdir(archiveFolder, true);
        for (const name of names) {
          await client.posixRename(remote(name), posix.join(archiveFolder, name)).catch((error: unknown) => {
            if (!isMissing(error)) throw error;
          });
        }
      });
      for (const name of names) await cache.discard(name);
    },
    async remove(names: string[]): Promise<void> {
      await session(async (client) => {
        for (const name of names) await client.delete(remote(name), true);
      });
      for (const name of names) await cache.discard(name);
    },
  };
}
