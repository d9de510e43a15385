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

/** A package as a connector names it: `name`, or `name==version` (pinned: only that version runs). */
const PACKAGE_REFERENCE = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:==([A-Za-z0-9][A-Za-z0-9.+!_-]*))?$/;

/** The name and (when pinned) the version of a connector's `package`; undefined when it is neither `name` nor `name==version`. */
export function packageReference(spec: string): { name: string; version?: string } | undefined {
  const match = PACKAGE_REFERENCE.exec(spec.trim());
  if (!match) return undefined;
  return match[2] !== undefined ? { name: match[1]!, version: match[2] } : { name: match[1]! };
}

/**
 * The command a connector runs: its `executable`, or the one command its installed `package`
 * provides (`executable` names which when it provides several). A pinned package must be
 * installed at its version.
 */
export function sourceExecutable(connector: string, config: { package?: string | undefined; executable?: string | undefined }, env: NodeJS.ProcessEnv = process.env): string {
  if (config.package === undefined) return config.executable!;
  const reference = packageReference(config.package);
  if (!reference) throw new InputError(`connector ${connector}: package "${config.package}" is neither a name nor <name>==<version>`);
  const { name, version } = reference;
  const folder = connectorsFolder(env);
  const installed = installedPackage(folder, name);
  if (!installed) {
    throw new InputError(
      `connector ${connector}: package ${name} is not installed under ${folder}; ` +
        `install it with: custsync connectors install ${name}==${version ?? '<version>'}${version ? ' (or custsync connectors install: every package the config pins)' : ''}`,
    );
  }
  if (version !== undefined && installed.version !== version) {
    throw new InputError(
      `connector ${connector}: package ${name} is installed at ${installed.version} under ${folder}, but the config pins ${version}; ` +
        `install that with: custsync connectors install ${name}==${version}`,
    );
  }
  if (config.executable === undefined) {
    if (installed.executables.length === 1) return installed.executables[0]!;
    throw new InputError(
      `connector ${connector}: package ${name} provides several commands (${installed.executables.map((e) => e.split('/').pop()).join(', ')}); name one as executable`,
    );
  }
  const named = installed.executables.find((e) => e.split('/').pop() === config.executable);
  if (!named) throw new InputError(`connector ${connector}: package ${name} has no command ${config.executable} (it has ${installed.executables.map((e) => e.split('/').pop()).join(', ')})`);
  return named;
}
