import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Files {@link writePrivateFiles} wrote: their paths by name, and how to remove them. */
export interface PrivateFiles {
  paths: Record<string, string>;
  remove(): Promise<void>;
}

/**
 * Writes JSON files (a source's config with its secrets, its catalog, its state) into a folder
 * only this user can enter, each readable only by this user; `remove` removes the folder.
 */
export async function writePrivateFiles(files: Record<string, unknown>): Promise<PrivateFiles> {
  const folder = await mkdtemp(join(tmpdir(), 'custsync-source-'));
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    await chmod(folder, 0o700);
    const paths: Record<string, string> = {};
    for (const [name, content] of Object.entries(files)) {
      paths[name] = join(folder, `${name}.json`);
      await writeFile(paths[name], JSON.stringify(content), { mode: 0o600 });
    }
    return { paths, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** {@link writePrivateFiles} for the length of `use`: the files are removed afterwards, whatever happens. */
export async function withPrivateFiles<T>(files: Record<string, unknown>, use: (paths: Record<string, string>) => Promise<T>): Promise<T> {
  const written = await writePrivateFiles(files);
  try {
    return await use(written.paths);
  } finally {
    await written.remove();
  }
}
