import type { LoadedConfig } from '../../config/load-config.js';

export const configCheckHelp = `usage: custsync config check [--config <file>]

Validates the config file and prints every problem with its path.
Exits 0 when the config is valid, 1 otherwise.`;

export function configCheck(loaded: LoadedConfig): void {
  const { config, file } = loaded;
  console.log(`${file}: valid`);
  console.log(`  connectors: ${Object.entries(config.connectors).map(([n, c]) => `${n} (${c.type})`).join(', ')}`);
  for (const [name, flow] of Object.entries(config.flows)) {
    const source = flow.source.type === 'current' ? 'current data' : flow.source.connector;
    const enrich = flow.enrichments.map((e) => `${e.connector} [${e.aspects.join(', ')}]`).join(' → ');
    console.log(`  flow ${name}: ${source}${enrich ? ` → ${enrich}` : ''} (${flow.mode})`);
  }
}
