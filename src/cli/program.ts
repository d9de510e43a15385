import { Command } from 'commander';
import { cliContext, type CliContext } from './cli-context.js';

type CommandFactory = (ctx: CliContext) => Command;

/** Where the program's help and usage errors go; default the process's stdout and stderr. */
export interface CliOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

/**
 * Every command, in the order help lists them, each loaded on use: a command needs only its own
 * modules (the worker's SDK, the server, the embedded database, …), so `custsync runs list`
 * starts without loading the others.
 */
const COMMANDS: readonly (readonly [name: string, load: () => Promise<CommandFactory>])[] = [
  ['demo', async () => (await import('./commands/demo.js')).demoCommand],
  ['worker', async () => (await import('./commands/worker.js')).workerCommand],
  ['run', async () => (await import('./commands/run-flow.js')).runCommand],
  ['import', async () => (await import('./commands/import-customers.js')).importCommand],
  ['order', async () => (await import('./commands/order.js')).orderCommand],
  ['serve', async () => (await import('./commands/serve.js')).serveCommand],
  ['console', async () => (await import('./commands/console.js')).consoleCommand],
  ['push', async () => (await import('./commands/push.js')).pushCommand],
  ['runs', async () => (await import('./commands/runs.js')).runsCommand],
  ['customers', async () => (await import('./commands/customers.js')).customersCommand],
  ['deletions', async () => (await import('./commands/deletions.js')).deletionsCommand],
  ['review', async () => (await import('./commands/review.js')).reviewCommand],
  ['duplicates', async () => (await import('./commands/duplicates.js')).duplicatesCommand],
  ['schedules', async () => (await import('./commands/schedules.js')).schedulesCommand],
  ['config', async () => (await import('./commands/config-check.js')).configCommand],
  ['doctor', async () => (await import('./commands/doctor.js')).doctorCommand],
  ['db', async () => (await import('./commands/db.js')).dbCommand],
  ['connectors', async () => (await import('./commands/connectors.js')).connectorsCommand],
];

/** Global options that take a value (`--config <file>`), skipped when looking for the command's name. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--config', '--profile']);

/**
 * The command `argv` names (the first word that is not a global option, or the one after `help`),
 * or undefined when it names none the program has (top-level help, a usage error): then every
 * command is loaded, for the full help or commander's suggestion.
 */
export function commandNamed(argv: readonly string[]): string | undefined {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) words.push(arg);
  }
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.some(([n]) => n === name) ? name : undefined;
}

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
export async function buildProgram(argv: readonly string[] = [], output?: CliOutput): Promise<Command> {
  const program = new Command('custsync')
    .description('durable customer synchronization on Temporal')
    .option('--config <file>', 'config file (default custsync.config.yaml, or CUSTSYNC_CONFIG)')
    .option('--profile <name>', "profile of Temporal's TOML client config to connect with (or TEMPORAL_PROFILE)")
    .addHelpText('after', ENVIRONMENT_HELP);
  const ctx = cliContext(program);
  const named = commandNamed(argv);
  for (const [name, load] of COMMANDS) {
    if (named === undefined || name === named) program.addCommand((await load())(ctx));
  }

  // Every command and subcommand: usage errors exit 2, help exits 0, global options shown.
  const configure = (command: Command) => {
    command.exitOverride().showHelpAfterError('(add --help for usage)').configureHelp({ showGlobalOptions: true });
    if (output) command.configureOutput(output);
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}
