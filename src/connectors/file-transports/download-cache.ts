import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ListedFile, LocalFile } from './file-transport.js';

/** Which remote version a local copy (complete or partial) holds. */
interface CopyMeta {
  size: number;
  mtimeMs: number;
  /** Set once the copy is complete. */
  checksum?: string;
}

/** Opens the remote file for reading from a byte offset. */
export type OpenRemote = (start: number) => Readable;

/**
 * Local copies of remote files, one per name: `<name>` when complete, `<name>.part`
 * while downloading, and `<name>.meta.json` saying which remote version (size and
 * modification time) they hold. An interrupted download resumes from the bytes it has
 * when the remote file is unchanged, and starts over when it changed.
 */
export function downloadCache(folder: string) {
  const metaPath = (name: string) => join(folder, `${name}.meta.json`);
  const readMeta = async (name: string): Promise<CopyMeta | undefined> =>
    readFile(metaPath(name), 'utf8')
      .then((text) => JSON.parse(text) as CopyMeta)
      .catch(() => undefined);
  const writeMeta = async (name: string, meta: CopyMeta) => {
    await writeFile(`${metaPath(name)}.tmp`, JSON.stringify(meta));
    await rename(`${metaPath(name)}.tmp`, metaPath(name));
  };
  const sizeOf = async (path: string) => (await stat(path).catch(() => undefined))?.size;
  const sameVersion = (meta: CopyMeta | undefined, file: ListedFile) =>
    meta !== undefined && meta.size === file.size && meta.mtimeMs === file.mtimeMs;

  const discard = async (name: string) => {
    for (const path of [join(folder, name), join(folder, `${name}.part`), metaPath(name)]) await rm(path, { force: true });
  };

  return {
    /** The complete local copy of this remote version, if there is one. */
    async complete(file: ListedFile): Promise<LocalFile | undefined> {
      const meta = await readMeta(file.name);
      if (!sameVersion(meta, file) || meta?.checksum === undefined) return undefined;
      const path = join(folder, file.name);
      return (await sizeOf(path)) === file.size ? { path, checksum: meta.checksum } : undefined;
    },

    /** The complete local copy of the file whose content has this checksum, if there is one. */
    async withChecksum(name: string, checksum: string): Promise<string | undefined> {
      const meta = await readMeta(name);
      if (meta?.checksum !== checksum) return undefined;
      const path = join(folder, name);
      return (await sizeOf(path)) === meta.size ? path : undefined;
    },

    /**
     * Downloads the file, resuming a partial copy of the same version. A transfer that
     * receives nothing for `idleTimeoutMs` is aborted with an error.
     */
    async download(file: ListedFile, open: OpenRemote, idleTimeoutMs: number): Promise<LocalFile & { resumedAt: number }> {
      await mkdir(folder, { recursive: true });
      const part = join(folder, `${file.name}.part`);
      let start = 0;
      if (sameVersion(await readMeta(file.name), file)) start = (await sizeOf(part)) ?? 0;
      if (start === 0 || start > file.size) {
        await discard(file.name);
        await writeMeta(file.name, { size: file.size, mtimeMs: file.mtimeMs });
        start = 0;
      }
      // The checksum is computed as the bytes arrive (after the bytes a resumed download already has).
      const hash = createHash('sha256');
      if (start > 0) for await (const chunk of createReadStream(part, { end: start - 1 })) hash.update(chunk as Buffer);
      if (start < file.size) {
        let lastData = Date.now();
        const meter = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            lastData = Date.now();
            hash.update(chunk);
            done(null, chunk);
          },
        });
        const source = open(start);
        const watchdog = setInterval(
          () => {
            if (Date.now() - lastData > idleTimeoutMs) {
              source.destroy(new Error(`transfer of ${file.name} stalled: nothing received for ${idleTimeoutMs} ms`));
            }
          },
          Math.max(100, Math.min(1_000, idleTimeoutMs / 4)),
        );
        const sink = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
        try {
          await pipeline(source, meter, sink);
        } catch (error) {
          // Writes still in flight land before the failure is reported, so a retry resumes after them.
          if (!sink.closed) await once(sink, 'close');
          throw error;
        } finally {
          clearInterval(watchdog);
        }
      }
      const got = (await sizeOf(part)) ?? 0;
      if (got !== file.size) {
        // The remote file changed under the transfer: start over next time.
        await discard(file.name);
        throw new Error(`download of ${file.name} ended with ${got} of ${file.size} bytes`);
      }
      const checksum = hash.digest('hex');
      const path = join(folder, file.name);
      await rename(part, path);
      await writeMeta(file.name, { size: file.size, mtimeMs: file.mtimeMs, checksum });
      return { path, checksum, resumedAt: start };
    },

    discard,

    /** Drops local copies of files no longer present remotely. */
    async retainOnly(names: Set<string>): Promise<void> {
      const entries = await readdir(folder).catch(() => [] as string[]);
      for (const entry of entries) {
        const name = entry.replace(/(\.part|\.meta\.json|\.meta\.json\.tmp)$/, '');
        if (!names.has(name)) await rm(join(folder, entry), { force: true });
      }
    },
  };
}

export type DownloadCache = ReturnType<typeof downloadCache>;
