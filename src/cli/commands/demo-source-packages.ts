import type { LoadedConfig } from '../../config/load-config.js';
import { configuredPackages, installConfiguredPackages, packageSpecs, packagesToInstall } from '../../operations/connector-packages/connector-packages.js';

/**
 * Installs the source packages the config pins that are not installed yet (once: they are kept
 * under CUSTSYNC_CONNECTORS_DIR, default .data/connectors, which a fresh demo does not clear).
 * When they cannot be installed (no package index), the demo goes on: only the flows reading
 * them fail, as a worker's would.
 */
export async function installDemoSourcePackages(loaded: LoadedConfig, say: (line: string) => void): Promise<void> {
  const missing = packagesToInstall(configuredPackages(loaded.config));
  if (missing.length === 0) return;
  const specs = packageSpecs(missing);
  say(`installing the source packages the config pins (${specs.join(', ')}) from the package index, once …`);
  try {
    const result = await installConfiguredPackages(loaded.config);
    say(`installed into ${result.folder}`);
  } catch (error) {
    say(`could not install them: ${(error as Error).message}`);
    say(`the runs of connector${missing.length === 1 ? '' : 's'} ${missing.map((p) => p.connector).join(', ')} will fail; the rest of the demo goes on`);
  }
}

/** The flows that enrich the customers stored already (`source: current`), which the demo runs after the source's runs. */
export function enrichmentFlows(loaded: LoadedConfig): { flow: string; connectors: string[] }[] {
  return Object.entries(loaded.config.flows)
    .filter(([, flow]) => flow.source.type === 'current')
    .map(([flow, settings]) => ({ flow, connectors: settings.enrichments.map((e) => e.connector) }));
}
