import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { loadReferenceData } from '../connectors/flat-file/reference-data.js';
import type { CustsyncConfig } from '../config/config-schema.js';

/** A problem `config check` finds in what the config points at, with the config path it concerns. */
export interface ReachabilityProblem {
  path: string;
  message: string;
}

async function readableFolder(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isDirectory()) return `${path} is not a folder`;
    await access(path, constants.R_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? `folder ${path} does not exist` : `folder ${path} cannot be read`;
  }
}

async function readableFile(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return `${path} is not a file`;
    await access(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? `file ${path} does not exist` : `file ${path} cannot be read`;
  }
}

/**
 * Checks, without a run, what each connector needs from this machine: its folder or
 * file exists and is readable, and its reference data loads and is valid.
 */
export async function reachabilityProblems(config: CustsyncConfig): Promise<ReachabilityProblem[]> {
  const problems: ReachabilityProblem[] = [];
  for (const [name, connector] of Object.entries(config.connectors)) {
    const at = (field: string) => `connectors.${name}.${field}`;
    switch (connector.type) {
      case 'flat-file': {
        const folder = await readableFolder(connector.folder);
        if (folder) problems.push({ path: at('folder'), message: folder });
        if (connector.referenceData) {
          const file = await readableFile(connector.referenceData);
          if (file) problems.push({ path: at('referenceData'), message: file });
          else {
            await loadReferenceData(connector.referenceData).catch((error: unknown) =>
              problems.push({ path: at('referenceData'), message: `${connector.referenceData}: ${(error as Error).message}` }),
            );
          }
        }
        break;
      }
      case 'jsonl-file': {
        const file = await readableFile(connector.path);
        if (file) problems.push({ path: at('path'), message: file });
        break;
      }
    }
  }
  return problems;
}
