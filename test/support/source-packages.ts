import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installSourcePackage } from '../../src/connectors/source-process/install-source-package.js';
import type { InstalledPackage } from '../../src/connectors/source-process/installed-packages.js';
import { TEST_CONNECTORS_DIR } from './test-sources-dir.js';

export { TEST_CONNECTORS_DIR, TEST_SOURCES_DIR, TEST_WHEELS_DIR } from './test-sources-dir.js';

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
