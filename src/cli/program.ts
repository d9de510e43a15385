import { Client } from '@temporalio/client';
import { Command, InvalidArgumentError, Option } from 'commander';
import { durationSchema } from '../config/duration.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { DEFAULT_RECONNECT_FOR_MS } from './follow-run.js';
import { temporalSettingsFromEnv } from '../config/temporal-settings.js';
import type { DatabaseHandle } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { queuePushes } from '../db/repositories/customer-pushes.js';
import { wakePushTarget } from '../worker.js';
import { openDatabase } from '../db/open-database.js';
import { configCheck, configCheckHelp } from './commands/config-check.js';
import { formatPreview } from './format-preview.js';
import { customersHelp, showCustomer } from './commands/customers.js';
import { decideDeletions, deletionsHelp, listDeletions } from './commands/deletions.js';
import { demoHelp, runDemo } from './commands/demo.js';
import { decideReview, listReview, reviewHelp, showReview } from './commands/review.js';
import { connectTemporal, runFlow, runHelp } from './commands/run-flow.js';
import { listRuns, runsHelp, showRun } from './commands/runs.js';
import { printRejects, runsRejectsHelp } from './commands/runs-rejects.js';
import { retryRun, runsRetryHelp } from './commands/runs-retry.js';
import { applySchedules } from './commands/schedules/apply-schedules.js';
import {
  backfillSchedule,
  pauseSchedule,
  triggerSchedule,
  unpauseSchedule,
} from './commands/schedules/control-schedule.js';
import { formatSchedules, listSchedules } from './commands/schedules/list-schedules.js';
import { schedulesHelp } from './commands/schedules/schedules-help.js';
import { runWorker, workerHelp } from './commands/worker.js';
import { orderHelp, syncOrder } from './commands/order.js';
import { importCustomers, importHelp, type ImportOptions } from './commands/import-customers.js';
import { pushHelp, retryPushes, showPushStatus } from './commands/push.js';
import { serve, serveHelp, webhookSecret, type ServeOptions } from './commands/serve.js';

const ENVIRONMENT_HELP = `
Environment:
  DATABASE_URL         PostgreSQL; unset: the embedded database on 127.0.0.1:5433
  TEMPORAL_ADDRESS     default 127.0.0.1:7233
  TEMPORAL_NAMESPACE   default "default"
  CUSTSYNC_TASK_QUEUE  default custsync
  CUSTSYNC_CONFIG      config file, instead of --config`;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

function isoTime(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('must be a date and time, e.g. 2026-11-01T00:00:00Z');
  return date;
}

/** `--reconnect-for <duration>`: how long a command following a run keeps trying to reach Temporal. */
function reconnectForOption(): Option {
  return new Option('--reconnect-for <duration>', 'while following the run, keep trying to reach Temporal this long (e.g. 30s, 10m)')
    .default(DEFAULT_RECONNECT_FOR_MS, '5m')
    .argParser((value: string) => {
      const parsed = durationSchema.safeParse(value);
      if (!parsed.success) throw new InvalidArgumentError('must be a duration such as 30s, 5m or 1h');
      return parsed.data;
    });
}

/** Opens the database for one command and closes it afterwards. */
async function withDatabase<T>(fn: (db: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = await openDatabase({ serveEmbedded: true, max: 2 });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** The custsync command tree. Usage errors (unknown command or option, missing argument) exit with 2. */
export function buildProgram(): Command {
  const temporal = temporalSettingsFromEnv();
  const program = new Command('custsync')
    .description('durable customer synchronization on Temporal')
    .option('--config <file>', 'config file (default custsync.config.yaml, or CUSTSYNC_CONFIG)')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .configureHelp({ showGlobalOptions: true });
  const config = (): LoadedConfig => loadConfig(program.opts<{ config?: string }>().config);
  const client = async () => new Client({ connection: await connectTemporal(temporal), namespace: temporal.namespace });

  program
    .command('demo')
    .description('start a dev server, the embedded database and a worker; run the example flow')
    .option('--flow <flow>', 'flow to run', 'erp-customers')
    .option('--keep', 'keep the database and Temporal state of an earlier demo (default: start empty)', false)
    .option('--exit', 'stop everything after the runs instead of waiting for Ctrl-C', false)
    .addHelpText('after', `\n${demoHelp}`)
    .action((o: { flow: string; keep: boolean; exit: boolean }) => runDemo(config(), temporal, o));

  program
    .command('worker')
    .description('run a worker: poll Temporal, write to the database')
    .addHelpText('after', `\n${workerHelp}`)
    .action(() => runWorker(config().config, temporal));

  program
    .command('run')
    .description('start a run of a flow, show its progress and report')
    .argument('<flow>', 'a flow of the config')
    .option('--file <name...>', "read these source files (by name) instead of every pending one; read even if processed before")
    .option('--dry-run', 'print what the run would create, update, mark missing and reject; write no customer')
    .option('--no-wait', 'print the run id on stdout and return at once')
    .option('--json', 'print the report as JSON')
    .addOption(reconnectForOption())
    .option('--wait-for-approval', 'follow a run that waits for a deletion approval through the wait (default: exit 4 at once)')
    .addHelpText('after', `\n${runHelp}`)
    .action(async (flow: string, o: { file?: string[]; dryRun?: boolean; wait: boolean; json?: boolean; reconnectFor: number; waitForApproval?: boolean }) => {
      const report = await runFlow({
        config: config().config,
        temporal,
        connection: await connectTemporal(temporal),
        flow,
        files: o.file,
        dryRun: o.dryRun,
        wait: o.wait,
        json: o.json,
        reconnectForMs: o.reconnectFor,
        stopAtApproval: !o.waitForApproval,
      });
      if (report?.dryRun && !o.json) console.log(await withDatabase((d) => formatPreview(d.db, report.runId)));
      if (report?.status === 'failed') process.exitCode = 1;
    });

  program
    .command('import')
    .description('upsert customers from a CSV file by source id')
    .argument('<file>', 'a CSV file in the import layout (see below)')
    .option('--as <connector>', 'whose records the rows are: source ids are that connector’s ids', 'import')
    .option('--dry-run', 'print what the import would create and update; write nothing')
    .option('--no-wait', 'print the run id and return at once')
    .option('--json', 'print the report as JSON')
    .addOption(reconnectForOption())
    .addHelpText('after', `\n${importHelp}`)
    .action(async (file: string, o: ImportOptions & { reconnectFor: number }) => {
      const report = await importCustomers(await connectTemporal(temporal), temporal, file, { ...o, reconnectForMs: o.reconnectFor });
      if (report?.dryRun && !o.json) console.log(await withDatabase((d) => formatPreview(d.db, report.runId)));
      if (report?.status === 'failed') process.exitCode = 1;
    });

  program
    .command('order')
    .description("sync the customer an order references (as an order event would)")
    .argument('<connector>', 'the connector the customer id belongs to')
    .argument('<externalId>', "the customer's id in that connector")
    .option('--flow <flow>', 'the flow to sync through, when several have the connector as their source')
    .option('--event-id <id>', 'the order event id (default: a new one); an id handled before does nothing')
    .option('--no-wait', 'hand the event on and return at once')
    .option('--json', 'print the report as JSON')
    .addOption(reconnectForOption())
    .addHelpText('after', `\n${orderHelp}`)
    .action(async (connector: string, externalId: string, o: { flow?: string; eventId?: string; wait: boolean; json?: boolean; reconnectFor: number }) => {
      const c = await client();
      const report = await withDatabase((d) =>
        syncOrder(config().config, temporal, c, d, connector, externalId, { ...o, reconnectForMs: o.reconnectFor }),
      );
      if (report?.status === 'failed') process.exitCode = 1;
    });

  program
    .command('serve')
    .description('serve the order webhook (POST /webhooks/orders, HMAC-signed)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', positiveInt, 8787)
    .option('--secret-env <name>', 'environment variable holding the signing secret', 'CUSTSYNC_WEBHOOK_SECRET')
    .option('--connector <name>', 'connector of events that name none')
    .option('--body-limit <bytes>', 'largest body accepted', positiveInt, 65_536)
    .addHelpText('after', `\n${serveHelp}`)
    .action(async (o: ServeOptions) => {
      webhookSecret(o.secretEnv);
      const c = await client();
      await withDatabase((d) => serve(config().config, temporal, c, d, o));
    });

  const push = program.command('push').description('outbound pushes to other systems').addHelpText('after', `\n${pushHelp}`);
  push
    .command('status')
    .description('pushes per target; the pending and failed ones with their errors')
    .option('--target <connector>', 'only this target')
    .option('--json', 'as JSON')
    .action((o: { target?: string; json?: boolean }) => withDatabase((d) => showPushStatus(d.db, o)));
  push
    .command('retry')
    .description('queue the failed pushes again')
    .argument('[target]', 'only this target')
    .action(async (target?: string) => {
      const c = await client();
      await withDatabase((d) => retryPushes(d.db, c, temporal.taskQueue, config().config.push, target));
    });

  const runs = program.command('runs').description('past runs: list, show, retry').addHelpText('after', `\n${runsHelp}`);
  runs
    .command('list')
    .description('the latest runs, newest first')
    .option('--flow <flow>', 'only runs of this flow')
    .option('--limit <n>', 'how many', positiveInt, 20)
    .option('--json', 'as JSON')
    .action((o: { flow?: string; limit: number; json?: boolean }) => withDatabase((d) => listRuns(d.db, o)));
  runs
    .command('show')
    .description("a run's report: per-step and per-input counts, deletions, rejected records")
    .argument('<run-id>')
    .addOption(new Option('--rejected <n|all>', 'rejected records to show (default 50)'))
    .option('--json', 'as JSON')
    .action((runId: string, o: { rejected?: string; json?: boolean }) => {
      const rejected = o.rejected === undefined ? undefined : o.rejected === 'all' ? 1_000_000 : positiveInt(o.rejected);
      return withDatabase((d) => showRun(d.db, runId, { rejected, json: o.json }));
    });
  runs
    .command('rejects')
    .description('every record a run rejected, as CSV (or --json)')
    .argument('<run-id>')
    .option('--csv', 'as CSV with a header row (the default)')
    .option('--json', 'as JSON')
    .addHelpText('after', `\n${runsRejectsHelp}`)
    .action((runId: string, o: { json?: boolean }) => withDatabase((d) => printRejects(d.db, runId, o)));
  runs
    .command('retry')
    .description('retry a failed run under the same id, after fixing the cause')
    .argument('<run-id>')
    .addHelpText('after', `\n${runsRetryHelp}`)
    .action(async (runId: string) => retryRun(await connectTemporal(temporal), temporal, runId));

  program
    .command('customers')
    .description('customers and where their values came from')
    .command('show')
    .description('a customer with the connector and run behind every value')
    .argument('<ref>', 'customer id, or connector:external-id')
    .option('--json', 'as JSON')
    .addHelpText('after', `\n${customersHelp}`)
    .action((ref: string, o: { json?: boolean }) => withDatabase((d) => showCustomer(d.db, ref, o)));

  const deletions = program
    .command('deletions')
    .description('runs waiting for approval of mass deletions')
    .addHelpText('after', `\n${deletionsHelp}`);
  deletions
    .command('list')
    .description('runs waiting, with the customers each would mark missing')
    .option('--json', 'as JSON (every customer)')
    .action((o: { json?: boolean }) => withDatabase((d) => listDeletions(d.db, o)));
  for (const decision of ['approve', 'reject'] as const) {
    deletions
      .command(decision)
      .description(decision === 'approve' ? 'mark the customers missing' : 'mark nothing; the run completes')
      .argument('<run-id>')
      .action(async (runId: string) =>
        withDatabase(async (d) => decideDeletions(d.db, await connectTemporal(temporal), temporal, runId, decision)),
      );
  }

  const review = program
    .command('review')
    .description("new customers held for the data team's review (flows with reviewNewCustomers)")
    .addHelpText('after', `\n${reviewHelp}`);
  review
    .command('list')
    .description('customers waiting for review')
    .option('--flow <flow>', 'of one flow')
    .addOption(new Option('--status <status>', 'decided ones instead').choices(['pending', 'approved', 'rejected']))
    .option('--json', 'as JSON')
    .action((o: { flow?: string; status?: 'pending' | 'approved' | 'rejected'; json?: boolean }) =>
      withDatabase((d) => listReview(d.db, o)),
    );
  review
    .command('show')
    .description('one held customer, item by item, as approving would create it')
    .argument('<code>', 'its customer code (source external id)')
    .option('--flow <flow>', 'when the code is held in several flows')
    .option('--json', 'as JSON')
    .action((code: string, o: { flow?: string; json?: boolean }) => withDatabase((d) => showReview(d.db, code, o)));
  for (const decision of ['approve', 'reject'] as const) {
    review
      .command(decision)
      .description(decision === 'approve' ? 'create them as the run that held them would have' : 'do not create them')
      .argument('<code...>', 'customer codes')
      .option('--flow <flow>', 'when a code is held in several flows')
      .action((codes: string[], o: { flow?: string }) =>
        withDatabase((d) =>
          decideReview(d.db, codes, decision, o, async (flow, ids) => {
            let loaded;
            try {
              loaded = config().config;
            } catch (error) {
              console.error(`not queued for push (the config cannot be read: ${(error as Error).message.split('\n')[0]})`);
              return;
            }
            const targets = loaded.flows[flow]?.pushTo ?? [];
            if (targets.length === 0) return;
            const c = await client();
            for (const target of targets) {
              await queuePushes(d.db, target, ids, `review/${flow}`);
              await wakePushTarget(c, temporal.taskQueue, target, loaded.push);
            }
            console.log(`queued for push to ${targets.join(', ')}`);
          }),
        ),
      );
  }

  const schedules = program
    .command('schedules')
    .description("one Temporal Schedule per flow, from the config's schedule settings")
    .addHelpText('after', `\n${schedulesHelp}`);
  schedules
    .command('apply')
    .description('create, update and remove schedules to match the config (idempotent)')
    .option('--json', 'as JSON')
    .action(async (o: { json?: boolean }) => {
      const changes = await applySchedules(await client(), config().config, temporal);
      if (o.json) console.log(JSON.stringify(changes, null, 2));
      else if (changes.length === 0) console.log('no flow has a schedule');
      else for (const c of changes) console.log(`${c.change.padEnd(9)}  ${c.scheduleId}`);
    });
  schedules
    .command('list')
    .description("every flow's schedule: state, next runs, recent runs")
    .option('--json', 'as JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await listSchedules(await client(), config().config);
      console.log(o.json ? JSON.stringify(list, null, 2) : formatSchedules(list));
    });
  schedules
    .command('pause')
    .argument('<flow>')
    .option('--note <text>', 'why, shown in schedules list and the Temporal UI')
    .description("pause a flow's schedule")
    .action(async (flow: string, o: { note?: string }) => {
      await pauseSchedule(await client(), flow, o.note);
      console.log(`paused the schedule of ${flow}`);
    });
  schedules
    .command('unpause')
    .argument('<flow>')
    .description("unpause a flow's schedule")
    .action(async (flow: string) => {
      await unpauseSchedule(await client(), flow);
      console.log(`unpaused the schedule of ${flow}`);
    });
  schedules
    .command('trigger')
    .argument('<flow>')
    .description('start a scheduled run now (skipped while one runs)')
    .action(async (flow: string) => {
      await triggerSchedule(await client(), flow);
      console.log(`triggered the schedule of ${flow}; see it with: custsync schedules list`);
    });
  schedules
    .command('backfill')
    .argument('<flow>')
    .requiredOption('--from <time>', 'start of the period, e.g. 2026-11-01T00:00:00Z', isoTime)
    .requiredOption('--to <time>', 'end of the period', isoTime)
    .description('take the runs the schedule would have taken in a past period')
    .action(async (flow: string, o: { from: Date; to: Date }) => {
      await backfillSchedule(await client(), flow, o.from, o.to);
      console.log(`backfilling ${flow} from ${o.from.toISOString()} to ${o.to.toISOString()}`);
    });

  program
    .command('config')
    .description('the config file')
    .command('check')
    .description('validate the config and what it points at; print every problem with its path')
    .option('--json', 'as JSON')
    .addHelpText('after', `\n${configCheckHelp}`)
    .action(async (o: { json?: boolean }) => {
      if (!(await configCheck(config(), o))) process.exitCode = 1;
    });

  program
    .command('db')
    .description('the database')
    .command('migrate')
    .description('apply pending schema migrations to DATABASE_URL (or the embedded database)')
    .action(async () => {
      const database = await openDatabase({ migrate: false, serveEmbedded: true });
      try {
        const result = await migrateToLatest(database.db);
        const applied = result.results?.map((r) => r.migrationName) ?? [];
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await database.close();
      }
    });

  // Every command and subcommand: usage errors exit 2, help exits 0.
  const configure = (command: Command) => {
    command.exitOverride().showHelpAfterError('(add --help for usage)');
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}
