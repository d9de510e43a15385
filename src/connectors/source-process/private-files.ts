import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes JSON files (a source's config with its secrets, its catalog, its state) into a folder
 * only this user can enter, each readable only by this user, for the length of `use`; the
 * folder is removed afterwards, whatever happens.
 */
export async function withPrivateFiles<T>(files: Record<string, unknown>, use: (paths: Record<string, string>) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'custsync-source-'));
  try {
    await chmod(folder, 0o700);
    const paths: Record<string, string> = {};
    for (const [name, content] of Object.entries(files)) {
      paths[name] = join(folder, `${name}.json`);
      await writeFile(paths[name], JSON.stringify(content), { mode: 0o600 });
    }
    return await use(paths);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
