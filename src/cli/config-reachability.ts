import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { sftpEnvironmentVariables } from '../connectors/file-transports/sftp-settings.js';
import { flatFileTransport } from '../connectors/flat-file/flat-file-transport.js';
import { loadReferenceData } from '../connectors/flat-file/reference-data.js';
import type { CustsyncConfig } from '../config/config-schema.js';
import { unsetEnvironmentReferences } from '../config/environment-references.js';

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
 * Checks, without a run, what each connector needs: every environment variable a setting
 * names (`passwordEnv`, `tokenEnv`, `valueEnv`, …) is set, its folder or file exists and is
 * readable (for SFTP, with `network`: it logs in and lists the folder), and its reference
 * data loads and is valid.
 */
export async function reachabilityProblems(
  config: CustsyncConfig,
  options: { /** Also log in to SFTP servers and list their folders (default true). */ network?: boolean } = {},
): Promise<ReachabilityProblem[]> {
  const network = options.network ?? true;
  const problems: ReachabilityProblem[] = unsetEnvironmentReferences(config).map(({ path, variable }) => ({
    path,
    message: `environment variable ${variable} is not set`,
  }));
  for (const [name, connector] of Object.entries(config.connectors)) {
    const at = (field: string) => `connectors.${name}.${field}`;
    switch (connector.type) {
      case 'flat-file': {
        if (connector.sftp) {
          const unset = sftpEnvironmentVariables(connector.sftp).filter(([, variable]) => !process.env[variable]);
          if (unset.length === 0 && network) {
            await flatFileTransport(name, connector)
              .list()
              .catch((error: unknown) => problems.push({ path: at('sftp'), message: (error as Error).message }));
          }
        } else {
          const folder = await readableFolder(connector.folder);
          if (folder) problems.push({ path: at('folder'), message: folder });
        }
        const referenceFile = connector.referenceData;
        if (typeof referenceFile === 'string') {
          const file = await readableFile(referenceFile);
          if (file) problems.push({ path: at('referenceData'), message: file });
          else {
            await loadReferenceData(referenceFile).catch((error: unknown) =>
              problems.push({ path: at('referenceData'), message: `${referenceFile}: ${(error as Error).message}` }),
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
