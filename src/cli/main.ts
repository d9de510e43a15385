import { CommanderError } from 'commander';
import { ConfigError } from '../config/load-config.js';
import { OperationError } from '../domain/operation-error.js';
import { CliError } from './cli-error.js';
import { buildProgram, type CliOutput } from './program.js';

/**
 * Runs the command line; returns the exit code (usage errors 2, failures 1). `output` takes the
 * help and usage errors instead of stdout and stderr.
 */
export async function main(argv: string[], output?: CliOutput): Promise<number> {
  try {
    await (await buildProgram(argv, output)).parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // Commander has printed its message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
}

/**
 * A reader that stops early (`custsync runs list | head`) closes the pipe: the command has
 * nothing left to say, so it ends at once, quietly, as Unix tools do.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}

/**
 * gRPC's TLS names the server by the address's host even when it is an IP address, and Node
 * warns about that (DEP0123) on every TLS connection to one: harmless, and nothing the user can
 * change, so it is not shown. Every other warning is.
 */
function withoutIpServerNameWarning(): void {
  const emit = process.emitWarning.bind(process);
  const quieted = (warning: string | Error, ...rest: unknown[]): void => {
    if (rest.some((r) => r === 'DEP0123' || (typeof r === 'object' && r !== null && (r as { code?: string }).code === 'DEP0123'))) return;
    Reflect.apply(emit, process, [warning, ...rest]);
  };
  process.emitWarning = quieted;
}

/**
 * Runs a command and exits with its code once output is flushed (open Temporal
 * connections and their pending retries do not keep the process alive).
 */
export async function runCli(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  withoutIpServerNameWarning();
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 1;
    } else if (error instanceof CliError || error instanceof OperationError) {
      console.error(`custsync: ${error.message}`);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
    } else {
      console.error(`custsync: ${(error as Error).message ?? String(error)}`);
      if (process.env.CUSTSYNC_DEBUG) console.error(error);
      process.exitCode = 1;
    }
  }
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit();
}
