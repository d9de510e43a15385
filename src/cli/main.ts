import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { temporalSettingsFromEnv } from '../config/temporal-settings.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open-database.js';
import { CliError } from './cli-error.js';
import { configCheck, configCheckHelp } from './commands/config-check.js';
import { customersHelp, showCustomer } from './commands/customers.js';
import { demoHelp, runDemo } from './commands/demo.js';
import { connectTemporal, runFlow, runHelp } from './commands/run-flow.js';
import { decideDeletions, deletionsHelp, listDeletions } from './commands/deletions.js';
import { listRuns, runsHelp, showRun } from './commands/runs.js';
import { retryRun, runsRetryHelp } from './commands/runs-retry.js';
import { runWorker, workerHelp } from './commands/worker.js';

const mainHelp = `custsync — durable customer synchronization on Temporal

usage: custsync <command> [options]

commands:
  demo                      start a dev server, the embedded database and a worker; run the example flow
  worker                    run a worker (polls Temporal, writes to the database)
  run <flow>                start a run, show its progress and report
  runs list | show <run>    past runs and their reports
  runs retry <run>          retry a failed run (same run id, same end state)
  deletions list | approve <run> | reject <run>
                            runs waiting for approval of mass deletions
  customers show <ref>      a customer with the provenance of every value
  config check              validate the config file
  db migrate                bring the database schema up to date

global options:
  --config <file>   config file (default custsync.config.yaml, or CUSTSYNC_CONFIG)
  -h, --help        help for any command

environment:
  DATABASE_URL        PostgreSQL; unset: the embedded database on 127.0.0.1:5433
  TEMPORAL_ADDRESS    default 127.0.0.1:7233      TEMPORAL_NAMESPACE  default "default"
  CUSTSYNC_TASK_QUEUE default custsync`;

const dbMigrateHelp = `usage: custsync db migrate

Applies pending schema migrations to DATABASE_URL (or the embedded database).`;

const options = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  file: { type: 'string', multiple: true },
  'no-wait': { type: 'boolean' },
  json: { type: 'boolean' },
  flow: { type: 'string' },
  limit: { type: 'string' },
  rejected: { type: 'string' },
  keep: { type: 'boolean' },
  exit: { type: 'boolean' },
} as const;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${mainHelp}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, sub, arg] = positionals;
  const help = (text: string) => {
    console.log(text);
    return 0;
  };
  const config = () => loadConfig(values.config);
  const temporal = temporalSettingsFromEnv();

  switch (command) {
    case undefined:
      return help(mainHelp);
    case 'help':
      return help(mainHelp);
    case 'config':
      if (values.help || sub !== 'check') return help(configCheckHelp);
      configCheck(config());
      return 0;
    case 'db': {
      if (values.help || sub !== 'migrate') return help(dbMigrateHelp);
      const database = await openDatabase({ migrate: false, serveEmbedded: true });
      try {
        const result = await migrateToLatest(database.db);
        const applied = result.results?.map((r) => r.migrationName) ?? [];
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'worker':
      if (values.help) return help(workerHelp);
      await runWorker(config().config, temporal);
      return 0;
    case 'demo':
      if (values.help) return help(demoHelp);
      await runDemo(config(), temporal, { flow: values.flow ?? 'erp-customers', keep: !!values.keep, exit: !!values.exit });
      return 0;
    case 'run': {
      if (values.help || !sub) return help(runHelp);
      const loaded = config();
      const report = await runFlow({
        config: loaded.config,
        temporal,
        connection: await connectTemporal(temporal),
        flow: sub,
        files: values.file,
        wait: !values['no-wait'],
        json: values.json,
      });
      return report?.status === 'failed' ? 1 : 0;
    }
    case 'runs': {
      if (sub === 'retry') {
        if (values.help) return help(runsRetryHelp);
        if (!arg) throw new CliError(`missing <run-id>\n\n${runsRetryHelp}`, 2);
        await retryRun(await connectTemporal(temporal), temporal, arg);
        return 0;
      }
      if (values.help || (sub !== 'list' && sub !== 'show') || (sub === 'show' && !arg)) return help(runsHelp);
      const database = await openDatabase({ serveEmbedded: true, max: 2 });
      try {
        if (sub === 'list') await listRuns(database.db, { flow: values.flow, limit: positiveInt(values.limit, 'limit') });
        else {
          const rejected = values.rejected === 'all' ? 1_000_000 : positiveInt(values.rejected, 'rejected');
          await showRun(database.db, arg!, { rejected, json: values.json });
        }
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'deletions': {
      if (values.help) return help(deletionsHelp);
      if (sub !== 'list' && sub !== 'approve' && sub !== 'reject') {
        throw new CliError(`${sub ? `unknown subcommand "${sub}"` : 'missing subcommand'}\n\n${deletionsHelp}`, 2);
      }
      if (sub !== 'list' && !arg) throw new CliError(`missing <run-id>\n\n${deletionsHelp}`, 2);
      const database = await openDatabase({ serveEmbedded: true, max: 2 });
      try {
        if (sub === 'list') await listDeletions(database.db, { json: values.json });
        else await decideDeletions(database.db, await connectTemporal(temporal), temporal, arg!, sub);
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'customers': {
      if (values.help || sub !== 'show' || !arg) return help(customersHelp);
      const database = await openDatabase({ serveEmbedded: true, max: 2 });
      try {
        await showCustomer(database.db, arg, { json: values.json });
      } finally {
        await database.close();
      }
      return 0;
    }
    default:
      throw new CliError(`unknown command "${command}"\n\n${mainHelp}`, 2);
  }
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`--${name} must be a positive whole number, not "${value}"`, 2);
  return n;
}

/**
 * Runs a command and exits with its code once output is flushed (open Temporal
 * connections and their pending retries do not keep the process alive).
 */
export async function runCli(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 1;
    } else if (error instanceof CliError) {
      console.error(`custsync: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      console.error(`custsync: ${(error as Error).message ?? String(error)}`);
      if (process.env.CUSTSYNC_DEBUG) console.error(error);
      process.exitCode = 1;
    }
  }
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit();
}
