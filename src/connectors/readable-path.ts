import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/** Why a local folder cannot be read, or undefined when it can. */
export async function unreadableFolder(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isDirectory()) return `${path} is not a folder`;
    await access(path, constants.R_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? `folder ${path} does not exist` : `folder ${path} cannot be read`;
  }
}

/** Why a local file cannot be read, or undefined when it can. */
export async function unreadableFile(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return `${path} is not a file`;
    await access(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? `file ${path} does not exist` : `file ${path} cannot be read`;
  }
}
