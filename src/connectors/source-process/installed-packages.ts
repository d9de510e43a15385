import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../input-error.js';

/**
 * Where `custsync connectors install` puts source packages, one virtual environment each:
 * `CUSTSYNC_CONNECTORS_DIR`, default `.data/connectors` (relative to the working folder).
 */
export function connectorsFolder(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CUSTSYNC_CONNECTORS_DIR || join('.data', 'connectors'));
}

/** What an installed package's `installed.json` says: its version and the commands it provides. */
export const installedPackageSchema = z.strictObject({
  package: z.string(),
  version: z.string(),
  /** Its console scripts (`source-faker`, `tap-jsonl`), as absolute paths. */
  executables: z.array(z.string()).min(1),
  installedAt: z.string(),
});
export type InstalledPackage = z.infer<typeof installedPackageSchema>;

/** The folder of one installed package (its virtual environment is `venv` inside). */
export const packageFolder = (folder: string, name: string): string => join(folder, name.toLowerCase());

export const MANIFEST = 'installed.json';

/** The package's manifest, or undefined when it is not (completely) installed. */
export function installedPackage(folder: string, name: string): InstalledPackage | undefined {
  let text: string;
  try {
    text = readFileSync(join(packageFolder(folder, name), MANIFEST), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = installedPackageSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

/**
 * The command a connector runs: its `executable`, or the one command its installed `package`
 * provides (`executable` names which when it provides several).
 */
export function sourceExecutable(connector: string, config: { package?: string | undefined; executable?: string | undefined }, env: NodeJS.ProcessEnv = process.env): string {
  if (config.package === undefined) return config.executable!;
  const folder = connectorsFolder(env);
  const installed = installedPackage(folder, config.package);
  if (!installed) {
    throw new InputError(
      `connector ${connector}: package ${config.package} is not installed under ${folder}; ` +
        `install it with: custsync connectors install ${config.package}==<version>`,
    );
  }
  if (config.executable === undefined) {
    if (installed.executables.length === 1) return installed.executables[0]!;
    throw new InputError(
      `connector ${connector}: package ${config.package} provides several commands (${installed.executables.map((e) => e.split('/').pop()).join(', ')}); name one as executable`,
    );
  }
  const named = installed.executables.find((e) => e.split('/').pop() === config.executable);
  if (!named) throw new InputError(`connector ${connector}: package ${config.package} has no command ${config.executable} (it has ${installed.executables.map((e) => e.split('/').pop()).join(', ')})`);
  return named;
}
