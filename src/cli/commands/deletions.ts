import { cliActor } from '../cli-actor.js';
import { Command } from 'commander';
import { decideDeletions, listDeletionApprovals } from '../../operations/deletions.js';
import type { CliContext } from '../cli-context.js';

const deletionsHelp = `A run whose full snapshot lacks more than the flow's threshold of its source's
customers (deletion.threshold, default 10%) marks nothing and waits for a decision.
list:    runs waiting, with the customers each would mark missing
approve: mark them missing (deleted after the grace period unless they come back)
reject:  mark nothing; the run completes
The same decision can be sent from the Temporal UI or with
  temporal workflow signal --workflow-id <run-id> --name approveDeletions|rejectDeletions
No decision within deletion.approvalTimeout (default 24h) counts as rejected.`;

/** Customers shown per waiting run (--json lists all). */
const SHOWN_PER_RUN = 20;

/** `custsync deletions`: list, approve, reject. */
export function deletionsCommand(ctx: CliContext): Command {
  const deletions = new Command('deletions').description('runs waiting for approval of mass deletions').addHelpText('after', `\n${deletionsHelp}`);
  deletions
    .command('list')
    .description('runs waiting, with the customers each would mark missing')
    .option('--json', 'as JSON (every customer)')
    .action((o: { json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const waiting = await listDeletionApprovals({ db }, o.json ? {} : { customersPerRun: SHOWN_PER_RUN });
        if (o.json) return console.log(JSON.stringify(waiting, null, 2));
        if (waiting.length === 0) return console.log('no run is waiting for approval of deletions');
        for (const w of waiting) {
          const share = w.sourceCustomers > 0 ? ((100 * w.wouldMarkMissing) / w.sourceCustomers).toFixed(1) : '0';
          console.log(`${w.runId} (${w.flow}, started ${w.startedAt}): would mark ${w.wouldMarkMissing} of ${w.sourceCustomers} customers missing (${share}%)`);
          for (const c of w.customers) console.log(`  ${c.source_id}  ${c.name ?? ''}`.trimEnd());
          if (w.wouldMarkMissing > w.customers.length) console.log(`  … and ${w.wouldMarkMissing - w.customers.length} more (--json lists all)`);
          console.log(
            w.decided
              ? `  ${w.decided.decision === 'approve' ? 'approved' : 'rejected'} by ${w.decided.by} at ${w.decided.at}; the run is acting on it`
              : `  decide: custsync deletions approve ${w.runId}   or   custsync deletions reject ${w.runId}`,
          );
        }
      }),
    );
  for (const decision of ['approve', 'reject'] as const) {
    deletions
      .command(decision)
      .description(decision === 'approve' ? 'mark the customers missing' : 'mark nothing; the run completes')
      .argument('<run-id>')
      .action(async (runId: string) => {
        const client = await ctx.client();
        const { wouldMarkMissing } = await ctx.withDatabase(({ db }) => decideDeletions({ db, client }, runId, decision, cliActor()));
        console.log(
          decision === 'approve'
            ? `approved: run ${runId} marks ${wouldMarkMissing} customers missing and completes`
            : `rejected: run ${runId} marks nothing and completes`,
        );
      });
  }
  return deletions;
}
