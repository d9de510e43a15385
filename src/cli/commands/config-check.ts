import { Command } from 'commander';
import { describeSchedule } from '../../operations/schedules/describe-schedule.js';
import { formatDuration } from '../../config/duration.js';
import type { LoadedConfig } from '../../config/load-config.js';
import type { CliContext } from '../cli-context.js';
import { reachabilityProblems } from '../../config/reachability-problems.js';

const configCheckHelp = `Validates the config file, then what it points at (folders and files exist and
are readable, reference data loads), and prints every problem with its path.
Exits 0 when everything is in order, 1 otherwise.`;

/** `custsync config check`. */
export function configCommand(ctx: CliContext): Command {
  const config = new Command('config').description('the config file');
  config
    .command('check')
    .description('validate the config and what it points at; print every problem with its path')
    .option('--json', 'as JSON')
    .addHelpText('after', `\n${configCheckHelp}`)
    .action(async (o: { json?: boolean }) => {
      if (!(await configCheck(ctx.config(), o))) process.exitCode = 1;
    });
  return config;
}

/** Prints the config's summary, or every problem with its path; returns whether all is well. */
async function configCheck(loaded: LoadedConfig, options: { json?: boolean } = {}): Promise<boolean> {
  const { config, file } = loaded;
  const problems = await reachabilityProblems(config);
  if (options.json) {
    console.log(JSON.stringify({ file, valid: problems.length === 0, problems, connectors: config.connectors, flows: config.flows }, null, 2));
    return problems.length === 0;
  }
  if (problems.length > 0) {
    console.error(`${file}: valid, but what it points at is not in order:\n${problems.map((p) => `  ✖ ${p.path}: ${p.message}`).join('\n')}`);
    return false;
  }
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
    if (flow.pushTo.length > 0) console.log(`    pushes created and updated customers to: ${flow.pushTo.join(', ')}`);
    if (flow.reviewNewCustomers) console.log('    holds new customers for review');
  }
  const c = config.console;
  const users = Object.entries(c.users).map(([n, u]) => `${n} (${u.role})`);
  console.log(
    c.enabled
      ? `  console: ${users.length ? users.join(', ') : 'no users'}${c.trustedHeader ? `; single sign-on through ${c.trustedHeader.name}` : ''}`
      : '  console: off',
  );
  const routes = Object.entries(config.notifications.events).map(([event, targets]) => `${event} → ${(targets ?? []).join(', ')}`);
  console.log(`  notifications: ${routes.length ? routes.join('; ') : 'none'}`);
  return true;
}
