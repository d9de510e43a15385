/**
 * Locating the `temporal` CLI used to run the local Temporal dev server.
 *
 * This module is the single place where the CLI is resolved; tests, the dev
 * server helper and CI all go through {@link resolveTemporalCli}.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { EphemeralServerExecutable } from '@temporalio/testing';

const execFileAsync = promisify(execFile);

/** Environment variable that pins the CLI to an explicit path. */
export const TEMPORAL_CLI_ENV = 'TEMPORAL_CLI';

/** Location of the CLI installed by `scripts/install-temporal-cli.sh`, relative to the repository root. */
export const PROJECT_TEMPORAL_CLI = path.join('.tools', 'temporal-venv', 'bin', 'temporal');

/** Options for {@link resolveTemporalCli}. */
export interface ResolveTemporalCliOptions {
  /**
   * Run `scripts/install-temporal-cli.sh` when no CLI is found elsewhere.
   * @default true
   */
  install?: boolean;
  /**
   * Repository root holding `.tools/` and `scripts/`.
   * @default the custsync repository containing this file
   */
  repoRoot?: string;
}

/** The custsync repository root, derived from this file's location (works from `src/` and `dist/src/`). */
export function defaultRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(path.delimiter).filter((d) => d.length > 0);
  const names = process.platform === 'win32' ? [`${name}.exe`, name] : [name];
  for (const dir of dirs) {
    for (const candidate of names) {
      const full = path.join(dir, candidate);
      if (isExecutableFile(full)) return full;
    }
  }
  return undefined;
}

async function runInstallScript(repoRoot: string): Promise<string | undefined> {
  const script = path.join(repoRoot, 'scripts', 'install-temporal-cli.sh');
  if (!existsSync(script)) return undefined;
  try {
    const { stdout } = await execFileAsync('bash', [script], {
      cwd: repoRoot,
      timeout: 5 * 60_000,
      maxBuffer: 1024 * 1024,
    });
    const lines = stdout.trim().split('\n');
    const installed = lines[lines.length - 1]?.trim();
    return installed && isExecutableFile(installed) ? installed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds the `temporal` CLI. Resolution order:
 *
 * 1. `TEMPORAL_CLI` environment variable (must point to an executable, otherwise this throws);
 * 2. `temporal` on `PATH`;
 * 3. the project tool folder, `.tools/temporal-venv/bin/temporal`;
 * 4. when `install` is true, the result of `scripts/install-temporal-cli.sh`;
 * 5. `undefined`: let the Temporal SDK download the CLI itself (needs internet access).
 */
export async function resolveTemporalCli(options: ResolveTemporalCliOptions = {}): Promise<string | undefined> {
  const install = options.install ?? true;
  const repoRoot = options.repoRoot ?? defaultRepoRoot();

  const fromEnv = process.env[TEMPORAL_CLI_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const resolved = path.resolve(fromEnv);
    if (!isExecutableFile(resolved)) {
      throw new Error(
        `${TEMPORAL_CLI_ENV} is set to "${fromEnv}", but no executable file exists there. ` +
          `Fix the path or unset ${TEMPORAL_CLI_ENV}.`,
      );
    }
    return resolved;
  }

  const onPath = findOnPath('temporal');
  if (onPath) return onPath;

  const projectCli = path.join(repoRoot, PROJECT_TEMPORAL_CLI);
  if (isExecutableFile(projectCli)) return projectCli;

  if (install) {
    const installed = await runInstallScript(repoRoot);
    if (installed) return installed;
  }

  return undefined;
}

/**
 * The `server.executable` option for `TestWorkflowEnvironment.createLocal()`:
 * the given CLI when one was resolved, otherwise the SDK's cached download.
 */
export function devServerExecutable(cliPath: string | undefined): EphemeralServerExecutable {
  return cliPath ? { type: 'existing-path', path: cliPath } : { type: 'cached-download' };
}
