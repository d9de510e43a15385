import { stringify } from 'csv-stringify/sync';
import { Command, Option } from 'commander';
import { listRuns, REJECT_COLUMNS, rejectRow, retryRun, runRejects, showRun } from '../../operations/runs.js';
import type { CliContext } from '../cli-context.js';
import { runStatusShown } from '../../domain/run-status-shown.js';
import { positiveInt } from '../cli-options.js';
import { formatReport, table } from '../format-report.js';

const runsHelp = `list:  the latest runs, newest first (default 20).
show:  one run's report: per-step and per-input counts, outcome counts, deletions and
       rejected records (default first 50).
retry: a failed run again, under the same id, after fixing the cause.`;

const rejectsHelp = `Prints every record a run rejected, in file order: step, file (or customer), line,
customer code, what became of the customer ("not updated" or "not created": a customer with a
rejected row is left as it was by that input), field, reason and the raw row. CSV with a header row by default, for a
spreadsheet or the ERP team; --json for scripts. Redirect to a file:
  custsync runs rejects <run-id> > rejects.csv`;

const retryHelp = `Retries a failed run from its start, under the same run id, after the cause has
been fixed (config, data, a database that was down). Customers the failed attempt
already merged are not merged twice; the result equals an undisturbed run.
Equivalent to "Reset" to the first workflow task in the Temporal UI, or:
  temporal workflow reset --workflow-id <run-id> --type FirstWorkflowTask --reason retry`;

/** `custsync runs`: list, show, rejects, retry. */
export function runsCommand(ctx: CliContext): Command {
  const runs = new Command('runs').description('past runs: list, show, retry').addHelpText('after', `\n${runsHelp}`);
  runs
    .command('list')
    .description('the latest runs, newest first')
    .option('--flow <flow>', 'only runs of this flow')
    .option('--limit <n>', 'how many', positiveInt, 20)
    .option('--json', 'as JSON')
    .action((o: { flow?: string; limit: number; json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const list = await listRuns({ db }, o);
        if (o.json) return console.log(JSON.stringify(list, null, 2));
        if (list.length === 0) return console.log('no runs yet');
        const rows = list.map((r) => [
          r.id,
          runStatusShown(r.status, r.deletion_status),
          r.trigger,
          new Date(r.started_at).toISOString(),
          r.finished_at ? `${((new Date(r.finished_at).getTime() - new Date(r.started_at).getTime()) / 1000).toFixed(1)}s` : '-',
          String(r.created),
          String(r.updated),
          String(r.unchanged),
          String(r.rejected),
        ]);
        console.log(table([['run', 'status', 'trigger', 'started', 'took', 'created', 'updated', 'unchanged', 'rejected'], ...rows]).join('\n'));
      }),
    );
  runs
    .command('show')
    .description("a run's report: per-step and per-input counts, deletions, rejected records")
    .argument('<run-id>')
    .addOption(new Option('--rejected <n|all>', 'rejected records to show (default 50)'))
    .option('--json', 'as JSON')
    .action((runId: string, o: { rejected?: string; json?: boolean }) => {
      const rejected = o.rejected === undefined ? undefined : o.rejected === 'all' ? 1_000_000 : positiveInt(o.rejected);
      return ctx.withDatabase(async ({ db }) => {
        const report = await showRun({ db }, runId, rejected === undefined ? {} : { rejected });
        console.log(o.json ? JSON.stringify(report, null, 2) : formatReport(report));
      });
    });
  runs
    .command('rejects')
    .description('every record a run rejected, as CSV (or --json)')
    .argument('<run-id>')
    .option('--csv', 'as CSV with a header row (the default)')
    .option('--json', 'as JSON')
    .addHelpText('after', `\n${rejectsHelp}`)
    .action((runId: string, o: { json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const batches = await runRejects({ db }, runId);
        if (!o.json) process.stdout.write(stringify([[...REJECT_COLUMNS]]));
        const all: unknown[] = [];
        for await (const batch of batches) {
          const rows = batch.map(rejectRow);
          if (o.json) all.push(...rows.map((row) => Object.fromEntries(REJECT_COLUMNS.map((c, i) => [c, row[i]]))));
          else process.stdout.write(stringify(rows));
        }
        if (o.json) console.log(JSON.stringify(all, null, 2));
      }),
    );
  runs
    .command('retry')
    .description('retry a failed run under the same id, after fixing the cause')
    .argument('<run-id>')
    .addHelpText('after', `\n${retryHelp}`)
    .action(async (runId: string) => {
      const { executionId } = await retryRun({ client: await ctx.client(), temporal: ctx.temporal }, runId);
      console.log(`retrying ${runId} (execution ${executionId}); follow it with: custsync runs show ${runId}`);
    });
  return runs;
}
