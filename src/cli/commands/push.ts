import { Command } from 'commander';
import { retryPushes, showPushStatus } from '../../operations/pushes.js';
import type { CliContext } from '../cli-context.js';

const pushHelp = `Customers created or updated by a flow with pushTo are pushed to each target
(a create where the target has no id for them, the id it returns stored; an update
otherwise). 'push status' shows per target how many are pushed, pending (with their
backoff) and failed (with the error); 'push retry' queues the failed ones again.`;

/** `custsync push`: status, retry. */
export function pushCommand(ctx: CliContext): Command {
  const push = new Command('push').description('outbound pushes to other systems').addHelpText('after', `\n${pushHelp}`);
  push
    .command('status')
    .description('pushes per target; the pending and failed ones with their errors')
    .option('--target <connector>', 'only this target')
    .option('--json', 'as JSON')
    .action((o: { target?: string; json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const status = await showPushStatus({ db }, o.target ? { target: o.target } : {});
        console.log(o.json ? JSON.stringify(status, null, 2) : formatPushStatus(status));
      }),
    );
  push
    .command('retry')
    .description('queue the failed pushes again')
    .argument('[target]', 'only this target')
    .action((target?: string) =>
      ctx.withOperations(async (deps) => {
        const { queued, targets } = await retryPushes(deps, target);
        console.log(`${queued} failed push(es) queued again${targets.length > 0 ? ` for ${targets.join(', ')}` : ''}`);
      }),
    );
  return push;
}

/** Pushes per target, then each pending or failed one with its error. */
export function formatPushStatus(status: Awaited<ReturnType<typeof showPushStatus>>): string {
  if (status.summary.length === 0) return 'no pushes yet';
  const lines = ['target      pushed  pending  failed  skipped'];
  for (const s of status.summary) {
    lines.push(`${s.target.padEnd(10)} ${String(s.pushed).padStart(7)} ${String(s.pending).padStart(8)} ${String(s.failed).padStart(7)} ${String(s.skipped).padStart(8)}`);
  }
  for (const p of status.problems) {
    const when = p.status === 'pending' ? `, next attempt ${new Date(p.nextAttemptAt).toISOString()}` : '';
    lines.push(`  ${p.status.toUpperCase()} ${p.target} ${p.sourceId} (${p.customerId}): ${p.attempts} attempt(s)${when}${p.lastError ? `: ${p.lastError}` : ''}`);
  }
  return lines.join('\n');
}
