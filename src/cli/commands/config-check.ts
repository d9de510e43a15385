import { formatDuration } from '../../config/duration.js';
import type { FlowConfig } from '../../config/config-schema.js';
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
    console.log(`  flow ${name}: ${source}${enrich ? ` → ${enrich}` : ''}`);
    console.log(`    schedule: ${describeSchedule(flow.schedule)}`);
    const d = flow.deletion;
    console.log(
      `    deletions: grace ${formatDuration(d.gracePeriod)}, retention ${formatDuration(d.retention)}, ` +
        `approval above ${d.threshold}% (timeout ${formatDuration(d.approvalTimeout)})`,
    );
  }
}

/** A schedule in a few words, e.g. `every 1h (catch-up 1h)`. */
export function describeSchedule(schedule: FlowConfig['schedule']): string {
  if (schedule === false) return 'none (on demand only)';
  const when = schedule.cron ? `cron ${schedule.cron.join('; ')} UTC` : `every ${formatDuration(schedule.every ?? 3_600_000)}`;
  const extras = [
    schedule.jitter > 0 ? `jitter ${formatDuration(schedule.jitter)}` : '',
    `catch-up ${formatDuration(schedule.catchupWindow)}`,
    schedule.paused ? 'paused' : '',
  ].filter(Boolean);
  return `${when} (${extras.join(', ')})`;
}
