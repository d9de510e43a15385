import type { Stats } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileChecksum } from '../file-checksum.js';
import { InputError } from '../input-error.js';
import type { FileTransport, ListedFile, LocalFile } from './file-transport.js';

/** What a file's checksum was computed from: a file with the same identity and times has the same bytes. */
interface ChecksummedVersion {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  checksum: string;
}

function sameVersion(a: Stats, b: Omit<ChecksummedVersion, 'checksum'>): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/**
 * Files in a folder of this machine, read in place. A file's checksum is kept while its inode,
 * size and times stay the same (a change of its bytes changes its ctime), so files left in the
 * folder after they were processed are not read again at every listing.
 */
export function localFolderTransport(connector: string, folder: string): FileTransport {
  const checksums = new Map<string, ChecksummedVersion>();
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
      const listed = files.filter((f) => f !== undefined);
      const names = new Set(listed.map((f) => f.name));
      for (const name of checksums.keys()) if (!names.has(name)) checksums.delete(name);
      return listed;
    },
    async fetch(file: ListedFile): Promise<LocalFile> {
      const path = join(folder, file.name);
      const before = await stat(path);
      const known = checksums.get(file.name);
      if (known && sameVersion(before, known)) return { path, checksum: known.checksum };
      const checksum = await fileChecksum(path);
      // Kept only when the file did not change while it was read.
      const after = await stat(path);
      if (sameVersion(after, before)) checksums.set(file.name, { ino: after.ino, size: after.size, mtimeMs: after.mtimeMs, ctimeMs: after.ctimeMs, checksum });
      return { path, checksum };
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
