import { readdirSync } from 'node:fs';
import { connectorsFolder, installedPackage, type InstalledPackage } from '../../connectors/source-process/installed-packages.js';
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
