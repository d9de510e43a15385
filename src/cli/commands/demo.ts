import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { Client } from '@temporalio/client';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../../config/load-config.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import type { CliContext } from '../cli-context.js';
import { openDatabase } from '../../db/open-database.js';
import { showCustomer } from '../../operations/customers.js';
import { pendingPushes, showPushStatus } from '../../operations/pushes.js';
import { formatCustomer } from './customers.js';
import { describeDuplicateReasons } from '../../domain/duplicate-reasons.js';
import { listDuplicates } from '../../operations/duplicates.js';
import { syncOrderAndReport } from './order.js';
import { formatPushStatus } from './push.js';
import { startLocalOms, type LocalOms } from '../../tooling/local-oms.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { createConnectorFactory } from '../../connectors/create-connector.js';
import { connectTemporal } from '../connect-temporal.js';
import { runFlow } from './run-flow.js';
import { prepareDecisions } from './demo-decisions.js';
import { startDemoServer } from './demo-server.js';
import { enrichmentFlows, installDemoSourcePackages } from './demo-source-packages.js';

const demoHelp = `Starts a Temporal dev server (Web UI on http://127.0.0.1:8233, state in
.data/temporal.sqlite), the embedded database and a worker, then runs <flow>
(default erp-customers) twice: the first run reads only the oldest file (the full
snapshot), the second catches up with every file still pending, oldest first (the
delta and the bad-rows sample). Then runs the flows that enrich the stored customers
(source: current; the example's reads a Singer tap, installed once from the package
index). Prints every report. Where the config has an oms
connector on this machine, serves an OMS-like API there: the flow's pushes go to it,
and an order for an OMS customer the platform does not know creates it. Then stays
up for the UI and other custsync commands until Ctrl-C.

  --keep   keep the database and Temporal state of an earlier demo (default: start empty)
  --exit   stop everything after the runs instead of waiting for Ctrl-C`;

const binPath = fileURLToPath(new URL('../../../bin/custsync.js', import.meta.url));

/** `custsync demo`. */
export function demoCommand(ctx: CliContext): Command {
  return new Command('demo')
    .description('start a dev server, the embedded database and a worker; run the example flow')
    .option('--flow <flow>', 'flow to run', 'erp-customers')
    .option('--keep', 'keep the database and Temporal state of an earlier demo (default: start empty)', false)
    .option('--exit', 'stop everything after the runs instead of waiting for Ctrl-C', false)
    .addHelpText('after', `\n${demoHelp}`)
    .action((o: { flow: string; keep: boolean; exit: boolean }) => runDemo(ctx.config(), ctx.temporal, o));
}

async function runDemo(
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
  const { startTemporalDevServer } = await import('../../tooling/dev-server.js');
  const server = await startTemporalDevServer({ port: Number(temporal.address.split(':').pop()) || 7233 });
  cleanups.push(() => server.stop());
  say(`Temporal ${server.address}, Web UI ${server.uiUrl}`);
  const database = await openDatabase({ serveEmbedded: true, env: { ...process.env, DATABASE_URL: '' } });
  cleanups.push(() => database.close());
  say(`embedded database ${database.url}`);
  const oms = await startDemoOms(loaded);
  if (oms) {
    cleanups.push(() => oms.close());
    say(`an OMS-like API for connector ${oms.connector} on ${oms.baseUrl}`);
  }

  await installDemoSourcePackages(loaded, say);

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
    for (const { flow, connectors } of enrichmentFlows(loaded)) {
      const types = connectors.map((c) => `${c} (${loaded.config.connectors[c]?.type ?? '?'})`).join(', ');
      say(`\n— run of ${flow}: the stored customers, enriched from ${types}`);
      await Promise.race([runFlow({ ...run, flow }), workerDied]);
    }
    say('\n— one customer, with the connector behind every value:');
    await printCustomer(database, `${firstSourceConnector(loaded, options.flow)}:C1001`);
    if (oms) {
      say(`\n— pushes: the customers the runs created or updated, sent to the OMS at ${oms.baseUrl}`);
      await waitForPushes(database.db, 60_000);
      console.log(formatPushStatus(await showPushStatus({ db: database.db })));
      say(`  the OMS now has ${oms.businessCustomers.size} business customers`);
      say(`\n— an order in the OMS for ${DEMO_ORDER_CUSTOMER}, a customer the platform does not know yet:`);
      const client = new Client({ connection, namespace: settings.namespace });
      await Promise.race([
        syncOrderAndReport({ db: database.db, client, temporal: settings, config: loaded.config }, oms.connector, DEMO_ORDER_CUSTOMER, {
          eventId: 'demo-order-1',
          wait: true,
        }),
        workerDied,
      ]);
      await printCustomer(database, `${oms.connector}:${DEMO_ORDER_CUSTOMER}`);
    }
    const deps = { db: database.db, client: new Client({ connection, namespace: settings.namespace }), temporal: settings, config: loaded.config };
    const decisions = await prepareDecisions(loaded, deps, run, workerDied, say, cleanups);
    const api = await startDemoServer(loaded, deps);
    if (api) {
      cleanups.push(() => api.close());
      if (Object.keys(loaded.config.api.tokens).length > 0) {
        say(`\n— the customer API at ${api.baseUrl}/api/v1 (OpenAPI at /api/v1/openapi.json, Swagger UI at ${api.baseUrl}/api/docs)`);
        say(`  PUT /api/v1/customers/api/W-1 with Authorization: Bearer ${DEMO_API_TOKEN}:`);
        const answer = await fetch(`${api.baseUrl}/api/v1/customers/api/W-1`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${DEMO_API_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'PERSON', name: { firstName: 'Wenche', lastName: 'Web' }, customerContactDetails: [{ kind: 'email', value: 'wenche@example.com' }] }),
        });
        const written = (await answer.json()) as { change: string; writeId: string; queuedFor: string[] };
        say(`  ${answer.status}: ${written.change} as write ${written.writeId}, queued for ${written.queuedFor.join(', ') || 'no push target'}`);
        say(`  PUT /api/v1/customers/api/ACME-NYC: the CRM's record of a company the ERP has as C1001`);
        const duplicate = await fetch(`${api.baseUrl}/api/v1/customers/api/ACME-NYC`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${DEMO_API_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'COMPANY', name: { companyName: 'ACME Boutique Inc.' }, customerContactDetails: [{ kind: 'email', value: 'Jane.Roe@Acme.Example' }] }),
        });
        say(`  ${duplicate.status}: created; checked for duplicates (api.duplicates)`);
      }
      const pairs = await listDuplicates({ db: database.db });
      if (pairs.length > 0) {
        say('\n— possible duplicates across sources (custsync duplicates list):');
        for (const p of pairs) say(`  ${p.strength}: ${p.customers[0].name} [${p.customers[0].source}] ~ ${p.customers[1].name} [${p.customers[1].source}]: ${describeDuplicateReasons(p)}`);
      }
      if (loaded.config.console.enabled) {
        say(`\n— the console for the data team: ${api.baseUrl}/  (sign in as ${DEMO_CONSOLE_USER} / ${DEMO_CONSOLE_PASSWORD})`);
        if (decisions.held > 0) say(`  Review:    ${decisions.held} new customers from web sign-ups wait: approve or reject them`);
        if (decisions.waitingRunId) say(`  Deletions: run ${decisions.waitingRunId} waits for approval to mark partners missing`);
        const open = await listDuplicates({ db: database.db });
        if (open.length > 0) say(`  Duplicates: ${open.length} possible duplicate${open.length === 1 ? '' : 's'} across sources: compare side by side, merge or keep apart`);
      }
    }
    say(`
Look around:${api && loaded.config.console.enabled ? `
  Console:           ${api.baseUrl}/  (sign in as ${DEMO_CONSOLE_USER} / ${DEMO_CONSOLE_PASSWORD})` : ''}
  Temporal Web UI:   ${server.uiUrl}/namespaces/${temporal.namespace}/workflows  (workflow ids sync/${options.flow}/…)
  in another shell:  node bin/custsync.js runs list
                     node bin/custsync.js customers show erp:C1005
                     node bin/custsync.js run ${options.flow}      (nothing pending: an empty run)${
                       oms
                         ? `
                     node bin/custsync.js push status
                     node bin/custsync.js order ${oms.connector} B-2001   (a business customer the OMS has)`
                         : ''
                     }${
                       api
                         ? `
                     curl -H 'Authorization: Bearer ${DEMO_API_TOKEN}' ${api.baseUrl}/api/v1/customers/api/W-1
                     curl -H 'Authorization: Bearer ${DEMO_API_TOKEN}' '${api.baseUrl}/api/v1/customers?q=C1001'`
                         : ''
                     }`);
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

/** The token of the demo config's `api.tokens.demo` (its SHA-256 is in the config). */
const DEMO_API_TOKEN = 'custsync-demo-token';
/** The console user of the demo config (its scrypt hash is in the config). */
const DEMO_CONSOLE_USER = 'demo';
const DEMO_CONSOLE_PASSWORD = 'custsync-demo';

/** The OMS customer the demo's order references. */
const DEMO_ORDER_CUSTOMER = 'P-1001';

/**
 * Serves an OMS-like API where the config's first `oms` connector on this machine points,
 * with a private and a business customer, so the demo can push to it and take an order.
 */
async function startDemoOms(loaded: LoadedConfig): Promise<(LocalOms & { connector: string }) | undefined> {
  const found = Object.entries(loaded.config.connectors).find(
    ([, c]) => c.type === 'oms' && ['127.0.0.1', 'localhost'].includes(new URL(c.baseUrl).hostname),
  );
  if (!found || found[1].type !== 'oms') return undefined;
  const [connector, config] = found;
  const url = new URL(config.baseUrl);
  const oms = await startLocalOms({ port: Number(url.port) || 80 });
  oms.privateCustomers.set(DEMO_ORDER_CUSTOMER, {
    customerId: DEMO_ORDER_CUSTOMER,
    firstName: 'Maria',
    lastName: 'Lopez',
    email: 'maria.lopez@example.com',
    phone: '+1 212 555 0199',
    address: { line1: '5 Hudson St', city: 'New York', postalCode: '10013', countryCode: 'US' },
    externalIds: [{ providerName: 'VoyadoContactId', id: 'VC-88121' }],
  });
  oms.businessCustomers.set('B-2001', {
    customerId: 'B-2001',
    name: 'Northwind Traders',
    taxId: 'US-94-1234567',
    address: { line1: '1 Market St', city: 'San Francisco', postalCode: '94105', countryCode: 'US', email: 'ap@northwind.example' },
    contacts: [{ id: 'NW-1', firstName: 'Ana', lastName: 'Trujillo', email: 'ana@northwind.example' }],
  });
  return Object.assign(oms, { connector });
}

/** Waits until no push is pending (or the time is up). */
async function waitForPushes(db: DatabaseHandle['db'], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await new Promise((r) => setTimeout(r, 500));
  while (Date.now() < deadline) {
    if ((await pendingPushes({ db })) === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Prints a customer with every value's provenance, or why it cannot. */
async function printCustomer(database: DatabaseHandle, ref: string): Promise<void> {
  await showCustomer({ db: database.db }, ref).then(
    (customer) => console.log(formatCustomer(customer)),
    (e: Error) => console.error(e.message),
  );
}

function firstSourceConnector(loaded: LoadedConfig, flow: string): string {
  const source = loaded.config.flows[flow]?.source;
  return source?.type === 'connector' ? source.connector : 'erp';
}
