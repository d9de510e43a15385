import { Client, type Connection } from '@temporalio/client';
import { Command } from 'commander';
import type { CustsyncConfig } from '../../config/config-schema.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import type { RunReport, RunTrigger } from '../../domain/run-types.js';
import { startFlowRun } from '../../operations/start-run.js';
import type { CliContext } from '../cli-context.js';
import { reconnectForOption } from '../cli-options.js';
import { followAndReport } from '../follow-and-report.js';
import { formatPreview } from '../format-preview.js';

const runHelp = `Starts a run of <flow> as a Temporal workflow (id sync/<flow>/<timestamp>),
shows its live progress and prints its report. The run reads every pending input
of the flow's source, oldest first. Only one run of a flow runs at a time: a run
started while another runs is refused, naming the running one.

While following the run, a lost connection to Temporal is retried (saying since when it
is unreachable) for --reconnect-for (default 5m); the run itself goes on meanwhile.
Exit codes: 0 the run completed; 1 it failed; 2 usage error; 3 still running when
custsync stopped following it (Temporal unreachable too long); 4 the run waits for a
deletion approval (custsync deletions approve|reject <run>; --wait-for-approval follows
it through the wait instead).`;

export interface RunFlowOptions {
  config: CustsyncConfig;
  temporal: TemporalSettings;
  /** The connection to use; it stays open (the SDK may still retry a call on it). */
  connection: Connection;
  flow: string;
  files?: string[];
  /** Compute the changes, write no customer (see `CustomerSyncInput.dryRun`). */
  dryRun?: boolean;
  wait?: boolean;
  json?: boolean;
  trigger?: RunTrigger;
  /** Where progress lines go; default stderr. */
  progress?: (line: string) => void;
  /** How long to keep trying while Temporal is unreachable (default 5 minutes). */
  reconnectForMs?: number;
  /** Return (exit code 4) as soon as the run waits for a deletion approval (default true). */
  stopAtApproval?: boolean;
}

/** Starts a run of a flow and, unless told not to wait, follows it to its report. */
export async function runFlow(options: RunFlowOptions): Promise<RunReport | undefined> {
  const client = new Client({ connection: options.connection, namespace: options.temporal.namespace });
  const handle = await startFlowRun({ client, temporal: options.temporal, config: options.config }, options.flow, {
    ...(options.files ? { files: options.files } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
    trigger: options.trigger ?? 'cli',
  });
  return followAndReport(handle, { ...options, client });
}

/** `custsync run <flow>`. */
export function runCommand(ctx: CliContext): Command {
  return new Command('run')
    .description('start a run of a flow, show its progress and report')
    .argument('<flow>', 'a flow of the config')
    .option('--file <name...>', 'read these source files (by name) instead of every pending one; read even if processed before')
    .option('--dry-run', 'print what the run would create, update, mark missing and reject; write no customer')
    .option('--no-wait', 'print the run id on stdout and return at once')
    .option('--json', 'print the report as JSON')
    .addOption(reconnectForOption())
    .option('--wait-for-approval', 'follow a run that waits for a deletion approval through the wait (default: exit 4 at once)')
    .addHelpText('after', `\n${runHelp}`)
    .action(async (flow: string, o: { file?: string[]; dryRun?: boolean; wait: boolean; json?: boolean; reconnectFor: number; waitForApproval?: boolean }) => {
      const report = await runFlow({
        config: ctx.config().config,
        temporal: ctx.temporal,
        connection: await ctx.connection(),
        flow,
        files: o.file,
        dryRun: o.dryRun,
        wait: o.wait,
        json: o.json,
        reconnectForMs: o.reconnectFor,
        stopAtApproval: !o.waitForApproval,
      });
      if (report?.dryRun && !o.json) console.log(await ctx.withDatabase((d) => formatPreview(d.db, report.runId)));
      if (report?.status === 'failed') process.exitCode = 1;
    });
}
