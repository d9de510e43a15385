import { Command } from 'commander';
import type { CustsyncConfig } from '../../config/config-schema.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import { redactUrl } from '../../db/connect.js';
import { openDatabase } from '../../db/open-database.js';
import { CliError } from '../cli-error.js';
import { reachabilityProblems } from '../../config/reachability-problems.js';
import type { CliContext } from '../cli-context.js';
import { connectTemporal } from '../connect-temporal.js';

const workerHelp = `Runs the worker: polls the task queue (CUSTSYNC_TASK_QUEUE, default custsync) on
TEMPORAL_ADDRESS (default 127.0.0.1:7233) and writes to DATABASE_URL. Without
DATABASE_URL it serves the embedded database (PGlite under .data/pglite) on
127.0.0.1:5433 for the other custsync commands. On Ctrl-C or SIGTERM it drains: takes no
new tasks, lets activities in flight finish for up to worker.shutdownGraceSeconds (default
30), then exits 0.
Refuses to start while the config has a problem "custsync config check" finds without the
network (an unset variable named by passwordEnv, tokenEnv, valueEnv, …; a missing folder
or file), naming each.`;

/** `custsync worker`. */
export function workerCommand(ctx: CliContext): Command {
  return new Command('worker')
    .description('run a worker: poll Temporal, write to the database')
    .addHelpText('after', `\n${workerHelp}`)
    .action(() => runWorker(ctx.config().config, ctx.temporal));
}

/** Starts a worker; refuses to, naming every problem, when `config check` would find one without the network. */
async function runWorker(config: CustsyncConfig, temporal: TemporalSettings): Promise<void> {
  const problems = await reachabilityProblems(config, { network: false });
  if (problems.length > 0) {
    throw new CliError(
      `the worker does not start: the config has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join('\n') +
        '\n(fix them, then check with: custsync config check)',
    );
  }
  // Loaded here, not with the CLI: every other command (serve among them) runs without the worker SDK.
  const { createCustsyncWorker, installWorkerRuntime } = await import('../../worker.js');
  installWorkerRuntime();
  const database = await openDatabase({ serveEmbedded: true, max: 6 });
  try {
    (await connectTemporal(temporal)).close().catch(() => undefined);
    const worker = await createCustsyncWorker({ config, database, temporal });
    console.error(
      `worker polling task queue "${temporal.taskQueue}" on ${temporal.address}; database ${redactUrl(database.url)}` +
        (database.embedded ? ' (embedded)' : ''),
    );
    const grace = config.worker.shutdownGraceSeconds;
    const draining = () => console.error(`worker stopping: no new tasks; activities in flight may finish for up to ${grace} s`);
    process.once('SIGTERM', draining);
    process.once('SIGINT', draining);
    await worker.run();
    console.error('worker stopped');
  } finally {
    await database.close();
  }
}
