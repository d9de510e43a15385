import { Command } from 'commander';
import { applySchedules } from '../../operations/schedules/apply-schedules.js';
import { backfillSchedule, pauseSchedule, triggerSchedule, unpauseSchedule } from '../../operations/schedules/control-schedule.js';
import { listSchedules } from '../../operations/schedules/list-schedules.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { isoTime } from '../cli-options.js';
import { formatSchedules } from '../format-schedules.js';

const schedulesHelp = `Each flow with a schedule in the config (default: every hour) gets the Temporal
Schedule custsync/<flow>: overlap policy skip (a run still going makes the next one
skip), the configured catch-up window and jitter. A scheduled run is an ordinary run
with trigger "schedule" (workflow ids sync/<flow>/scheduled-<time>).

  custsync schedules apply                 match the config: create, update, remove
  custsync schedules list [--json]
  custsync schedules pause <flow> [--note <text>]
  custsync schedules unpause <flow>
  custsync schedules trigger <flow>        run now
  custsync schedules backfill <flow> --from <time> --to <time>

Run "schedules apply" after every config change (and restart the workers): a run
carries the config it was planned from, and a worker with another config refuses it.
A pause set here stays when "apply" updates the schedule.`;

/** `custsync schedules`: apply, list, pause, unpause, trigger, backfill. */
export function schedulesCommand(ctx: CliContext): Command {
  const schedules = new Command('schedules')
    .description("one Temporal Schedule per flow, from the config's schedule settings")
    .addHelpText('after', `\n${schedulesHelp}`);
  schedules
    .command('apply')
    .description('create, update and remove schedules to match the config (idempotent)')
    .option('--json', 'as JSON')
    .action(async (o: { json?: boolean }) => {
      const changes = await applySchedules(await ctx.client(), ctx.config().config, ctx.temporal);
      if (o.json) console.log(JSON.stringify(changes, null, 2));
      else if (changes.length === 0) console.log('no flow has a schedule');
      else for (const c of changes) console.log(`${c.change.padEnd(9)}  ${c.scheduleId}`);
    });
  schedules
    .command('list')
    .description("every flow's schedule: state, next runs, recent runs")
    .option('--json', 'as JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await listSchedules(await ctx.client(), ctx.config().config);
      console.log(o.json ? JSON.stringify(list, null, 2) : formatSchedules(list));
    });
  schedules
    .command('pause')
    .argument('<flow>')
    .option('--note <text>', 'why, shown in schedules list and the Temporal UI')
    .description("pause a flow's schedule")
    .action(async (flow: string, o: { note?: string }) => {
      await pauseSchedule(await ctx.client(), flow, o.note);
      console.log(`paused the schedule of ${flow}`);
    });
  schedules
    .command('unpause')
    .argument('<flow>')
    .description("unpause a flow's schedule")
    .action(async (flow: string) => {
      await unpauseSchedule(await ctx.client(), flow);
      console.log(`unpaused the schedule of ${flow}`);
    });
  schedules
    .command('trigger')
    .argument('<flow>')
    .description('start a scheduled run now (skipped while one runs)')
    .action(async (flow: string) => {
      await triggerSchedule(await ctx.client(), flow);
      console.log(`triggered the schedule of ${flow}; see it with: custsync schedules list`);
    });
  schedules
    .command('backfill')
    .argument('<flow>')
    .requiredOption('--from <time>', 'start of the period, e.g. 2026-11-01T00:00:00Z', isoTime)
    .requiredOption('--to <time>', 'end of the period', isoTime)
    .description('take the runs the schedule would have taken in a past period')
    .action(async (flow: string, o: { from: Date; to: Date }) => {
      if (!(o.from < o.to)) throw new CliError(`--from (${o.from.toISOString()}) must be before --to (${o.to.toISOString()})`, 2);
      await backfillSchedule(await ctx.client(), flow, o.from, o.to);
      console.log(`backfilling ${flow} from ${o.from.toISOString()} to ${o.to.toISOString()}`);
    });
  return schedules;
}
