import { Command } from 'commander';
import { cliContext } from './cli-context.js';
import { configCommand } from './commands/config-check.js';
import { consoleCommand } from './commands/console.js';
import { customersCommand } from './commands/customers.js';
import { dbCommand } from './commands/db.js';
import { doctorCommand } from './commands/doctor.js';
import { deletionsCommand } from './commands/deletions.js';
import { demoCommand } from './commands/demo.js';
import { importCommand } from './commands/import-customers.js';
import { orderCommand } from './commands/order.js';
import { pushCommand } from './commands/push.js';
import { reviewCommand } from './commands/review.js';
import { runCommand } from './commands/run-flow.js';
import { runsCommand } from './commands/runs.js';
import { schedulesCommand } from './commands/schedules.js';
import { serveCommand } from './commands/serve.js';
import { workerCommand } from './commands/worker.js';

const ENVIRONMENT_HELP = `
Environment:
  DATABASE_URL         PostgreSQL; unset: the embedded database on 127.0.0.1:5433
  TEMPORAL_ADDRESS     default 127.0.0.1:7233
  TEMPORAL_NAMESPACE   default "default"
  TEMPORAL_API_KEY     an API key (Temporal Cloud); implies TLS
  TEMPORAL_TLS, TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_CLIENT_CERT_PATH,
  TEMPORAL_TLS_CLIENT_KEY_PATH, TEMPORAL_TLS_SERVER_NAME   TLS and mTLS
  TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE   Temporal's TOML client config and its profile
                       (each over the config file's temporal: section)
  CUSTSYNC_TASK_QUEUE  default custsync
  CUSTSYNC_CONFIG      config file, instead of --config
  CUSTSYNC_LOG_FORMAT  json or pretty (default pretty on a terminal, else json); logs go to stderr
  CUSTSYNC_LOG_LEVEL   debug, info (default), warn or error
  CUSTSYNC_WORKER_METRICS   [host:]port of the worker's Prometheus metrics (worker --metrics)`;

/** The custsync command tree: each command is built in its own file. Usage errors (unknown command or option, missing argument) exit with 2. */
export function buildProgram(): Command {
  const program = new Command('custsync')
    .description('durable customer synchronization on Temporal')
    .option('--config <file>', 'config file (default custsync.config.yaml, or CUSTSYNC_CONFIG)')
    .option('--profile <name>', "profile of Temporal's TOML client config to connect with (or TEMPORAL_PROFILE)")
    .addHelpText('after', ENVIRONMENT_HELP);
  const ctx = cliContext(program);
  for (const command of [
    demoCommand(ctx),
    workerCommand(ctx),
    runCommand(ctx),
    importCommand(ctx),
    orderCommand(ctx),
    serveCommand(ctx),
    consoleCommand(ctx),
    pushCommand(ctx),
    runsCommand(ctx),
    customersCommand(ctx),
    deletionsCommand(ctx),
    reviewCommand(ctx),
    schedulesCommand(ctx),
    configCommand(ctx),
    doctorCommand(ctx),
    dbCommand(),
  ]) {
    program.addCommand(command);
  }

  // Every command and subcommand: usage errors exit 2, help exits 0, global options shown.
  const configure = (command: Command) => {
    command.exitOverride().showHelpAfterError('(add --help for usage)').configureHelp({ showGlobalOptions: true });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}
