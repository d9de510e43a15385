import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileChecksum } from '../file-checksum.js';
import { InputError } from '../input-error.js';
import type { FileTransport, ListedFile, LocalFile } from './file-transport.js';

/** Files in a folder of this machine, read in place. */
export function localFolderTransport(connector: string, folder: string): FileTransport {
  return {
    location: folder,
    async list(): Promise<ListedFile[]> {
      let entries;
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch {
        throw new InputError(`connector ${connector}: folder ${folder} cannot be read; check "folder" in the config`);
      }
      const files = await Promise.all(
        entries
          .filter((e) => e.isFile())
          .map(async (e) => {
            const info = await stat(join(folder, e.name)).catch(() => undefined);
            return info && { name: e.name, size: info.size, mtimeMs: info.mtimeMs };
          }),
      );
      return files.filter((f) => f !== undefined);
    },
    async fetch(file: ListedFile): Promise<LocalFile> {
      const path = join(folder, file.name);
      return { path, checksum: await fileChecksum(path) };
    },
    fetchListed(name: string): Promise<string> {
      return Promise.resolve(join(folder, name));
    },
    async archive(names: string[], archiveFolder: string): Promise<void> {
      await mkdir(archiveFolder, { recursive: true });
      for (const name of names) {
        await rename(join(folder, name), join(archiveFolder, name)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
    },
    async remove(names: string[]): Promise<void> {
      for (const name of names) await rm(join(folder, name), { force: true });
    },
  };
}
