import { readdirSync } from 'node:fs';
import type { CustsyncConfig } from '../../config/config-schema.js';
import { InputError } from '../../connectors/input-error.js';
import { connectorsFolder, installedPackage, packageReference, type InstalledPackage } from '../../connectors/source-process/installed-packages.js';
import { installSourcePackage } from '../../connectors/source-process/install-source-package.js';

/** Options for {@link installConnectorPackage}. */
export interface InstallConnectorPackageOptions {
  /** Called with each line of the installer's output. */
  onOutput?: (line: string) => void;
  /** Install again when this version is installed already; default false. */
  force?: boolean;
  /** The Python that makes its virtual environment; default `python3`. */
  python?: string;
  env?: NodeJS.ProcessEnv;
}

/** Installs a pinned source package (an Airbyte source, a Singer tap) for connectors to name as `package`. */
export async function installConnectorPackage(spec: string, options: InstallConnectorPackageOptions = {}): Promise<{ installed: InstalledPackage; already: boolean; folder: string }> {
  const folder = connectorsFolder(options.env);
  const result = await installSourcePackage(spec, {
    folder,
    ...(options.python ? { python: options.python } : {}),
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    ...(options.force ? { force: true } : {}),
  });
  return { ...result, folder };
}

/** The installed source packages. */
export function listConnectorPackages(env?: NodeJS.ProcessEnv): { folder: string; packages: InstalledPackage[] } {
  const folder = connectorsFolder(env);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    names = [];
  }
  return { folder, packages: names.flatMap((name) => installedPackage(folder, name) ?? []).sort((a, b) => a.package.localeCompare(b.package)) };
}

/** A package a connector of the config names. */
export interface ConfiguredPackage {
  connector: string;
  name: string;
  /** Its pinned version; absent when the config names it without one. */
  version?: string;
  /** The version installed now, if any. */
  installed?: string;
}

/** The source packages the config's connectors name, with what is installed of each. */
export function configuredPackages(config: CustsyncConfig, env?: NodeJS.ProcessEnv): ConfiguredPackage[] {
  const folder = connectorsFolder(env);
  return Object.entries(config.connectors).flatMap(([connector, settings]) => {
    const spec = 'package' in settings && typeof settings.package === 'string' ? settings.package : undefined;
    const reference = spec === undefined ? undefined : packageReference(spec);
    if (!reference) return [];
    const installed = installedPackage(folder, reference.name)?.version;
    return [{ connector, ...reference, ...(installed !== undefined ? { installed } : {}) }];
  });
}

/** The packages the config pins that are not installed at their version (with `force`, every pinned one). */
export function packagesToInstall(packages: readonly ConfiguredPackage[], force = false): ConfiguredPackage[] {
  return packages.filter((p) => p.version !== undefined && (force || p.installed !== p.version));
}

/** Their `name==version` specs, each once, in order. */
export const packageSpecs = (packages: readonly ConfiguredPackage[]): string[] => [...new Set(packages.map((p) => `${p.name}==${p.version}`))];

/**
 * Installs every package the config pins that is not installed at its version (each once, in
 * the config's order). A package the config names without a version and that is not installed
 * cannot be: an InputError names them, before anything is installed.
 */
export async function installConfiguredPackages(
  config: CustsyncConfig,
  options: InstallConnectorPackageOptions & { onPackage?: (spec: string) => void } = {},
): Promise<{ folder: string; installed: InstalledPackage[]; already: ConfiguredPackage[] }> {
  const packages = configuredPackages(config, options.env);
  const unpinned = packages.filter((p) => p.version === undefined && p.installed === undefined);
  if (unpinned.length > 0) {
    throw new InputError(
      `not installed and not pinned in the config: ${unpinned.map((p) => `${p.name} (connector ${p.connector})`).join(', ')}; ` +
        `pin each as package: <name>==<version>, or install it with custsync connectors install <name>==<version>`,
    );
  }
  const wanted = packageSpecs(packagesToInstall(packages, options.force));
  const installed: InstalledPackage[] = [];
  for (const spec of wanted) {
    options.onPackage?.(spec);
    installed.push((await installConnectorPackage(spec, options)).installed);
  }
  const done = new Set(wanted);
  return { folder: connectorsFolder(options.env), installed, already: packages.filter((p) => p.version === undefined || !done.has(`${p.name}==${p.version}`)) };
}
