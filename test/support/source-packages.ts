import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { installSourcePackage } from '../../src/connectors/source-process/install-source-package.js';
import type { InstalledPackage } from '../../src/connectors/source-process/installed-packages.js';

/**
 * Where the tests' source packages are kept, outside the clone so that every clone on this machine
 * (and every CI run) reuses them: `CUSTSYNC_TEST_SOURCES_DIR`, default `~/.cache/custsync/sources`
 * (scripts/install-source-packages.sh puts them there beforehand).
 */
export const TEST_SOURCES_DIR = process.env.CUSTSYNC_TEST_SOURCES_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'custsync', 'sources');
/** The installed packages, one virtual environment each. */
export const TEST_CONNECTORS_DIR = join(TEST_SOURCES_DIR, 'connectors');
/** The downloaded wheels whose stream schemas the mapping presets are checked against. */
export const TEST_WHEELS_DIR = join(TEST_SOURCES_DIR, 'wheels');

/** The pinned version of a package the tests run, from scripts/source-packages.txt. */
function pinned(name: string): string {
  const list = readFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'source-packages.txt'), 'utf8');
  const spec = list.split('\n').find((line) => line.startsWith(`${name}==`));
  if (!spec) throw new Error(`${name} is not pinned in scripts/source-packages.txt`);
  return spec.trim();
}

/** A pinned source package, installed (now, when the install script has not run) under {@link TEST_CONNECTORS_DIR}. */
export async function sourcePackage(name: string): Promise<InstalledPackage> {
  return (await installSourcePackage(pinned(name), { folder: TEST_CONNECTORS_DIR })).installed;
}
