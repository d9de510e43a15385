import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../../config/load-config.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import { openDatabase } from '../../db/open-database.js';
import { startTemporalDevServer } from '../../tooling/dev-server.js';
import { showCustomer } from './customers.js';
import { createConnectorFactory } from '../../connectors/create-connector.js';
import { connectTemporal, runFlow } from './run-flow.js';

export const demoHelp = `Starts a Temporal dev server (Web UI on http://127.0.0.1:8233, state in
.data/temporal.sqlite), the embedded database and a worker, then runs <flow>
(default erp-customers) twice: the first run reads only the oldest file (the full
snapshot), the second catches up with every file still pending, oldest first (the
delta and the bad-rows sample). Prints both reports and stays up for the UI and
other custsync commands until Ctrl-C.

  --keep   keep the database and Temporal state of an earlier demo (default: start empty)
  --exit   stop everything after the runs instead of waiting for Ctrl-C`;

const binPath = fileURLToPath(new URL('../../../bin/custsync.js', import.meta.url));

export async function runDemo(
  loaded: LoadedConfig,
  temporal: TemporalSettings,
  options: { flow: string; keep: boolean; exit: boolean },
): Promise<void> {
  const say = (line: string) => console.error(line);
  const cleanups: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      say('\nstopping the worker, the database and the Temporal dev server …');
      for (const cleanup of cleanups.reverse()) await cleanup().catch((e: Error) => say(e.message));
      say('stopped');
    })());
  // Ctrl-C at any moment stops everything this command started, then exits.
  const interrupted = new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  void interrupted.then(async () => {
    await shutdown();
    process.exit(130);
  });

  if (!options.keep) {
    // A fresh demo starts from nothing: no customers, and no earlier runs still waiting in Temporal.
    rmSync('.data/pglite', { recursive: true, force: true });
    for (const file of ['temporal.sqlite', 'temporal.sqlite-wal', 'temporal.sqlite-shm']) {
      rmSync(`.data/${file}`, { force: true });
    }
  }
  say('starting the Temporal dev server …');
  const server = await startTemporalDevServer({ port: Number(temporal.address.split(':').pop()) || 7233 });
  cleanups.push(() => server.stop());
  say(`Temporal ${server.address}, Web UI ${server.uiUrl}`);
  const database = await openDatabase({ serveEmbedded: true, env: { ...process.env, DATABASE_URL: '' } });
  cleanups.push(() => database.close());
  say(`embedded database ${database.url}`);

  const worker = spawn(process.execPath, [binPath, 'worker', '--config', loaded.file], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DATABASE_URL: database.url, TEMPORAL_ADDRESS: server.address },
  });
  const workerExited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGINT');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
    if ((await Promise.race([workerExited, timeout])) === 'timeout') worker.kill('SIGKILL');
  });

  try {
    const settings = { ...temporal, address: server.address };
    const connection = await connectTemporal(settings);
    const run = { config: loaded.config, temporal: settings, flow: options.flow, trigger: 'demo' as const, connection };
    const workerDied = workerExited.then(() => {
      throw new Error('the worker exited before the run finished; see its output above');
    });
    workerDied.catch(() => undefined);
    const oldest = (await createConnectorFactory(loaded.config.connectors)(firstSourceConnector(loaded, options.flow)).listInputs())[0];
    say(`\n— run 1: ${options.flow} (only the oldest file${oldest ? `, ${oldest.name}` : ''})`);
    await Promise.race([runFlow({ ...run, files: oldest ? [oldest.name] : undefined }), workerDied]);
    say(`\n— run 2: ${options.flow} (catching up: every pending file, oldest first)`);
    await Promise.race([runFlow(run), workerDied]);
    say('\n— one customer, with the connector behind every value:');
    await showCustomer(database.db, `${firstSourceConnector(loaded, options.flow)}:C1001`, {}).catch((e: Error) =>
      say(e.message),
    );
    say(`
Look around:
  Temporal Web UI:   ${server.uiUrl}/namespaces/${temporal.namespace}/workflows  (workflow ids sync/${options.flow}/…)
  in another shell:  node bin/custsync.js runs list
                     node bin/custsync.js customers show erp:C1005
                     node bin/custsync.js run ${options.flow}      (nothing pending: an empty run)`);
    if (options.exit) return;
    say('\nPress Ctrl-C to stop.');
    await Promise.race([
      interrupted,
      workerExited.then(() => {
        if (!stopping) say('the worker exited');
      }),
    ]);
  } finally {
    await shutdown();
  }
}

function firstSourceConnector(loaded: LoadedConfig, flow: string): string {
  const source = loaded.config.flows[flow]?.source;
  return source?.type === 'connector' ? source.connector : 'erp';
}
