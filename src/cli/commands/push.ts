import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { PushSettings } from '../../config/config-schema.js';
import type { Database } from '../../db/database.js';
import { pushStatus, retryFailedPushes } from '../../db/repositories/customer-pushes.js';
import { wakePushTarget } from '../../worker.js';

export const pushHelp = `Customers created or updated by a flow with pushTo are pushed to each target
(a create where the target has no id for them, the id it returns stored; an update
otherwise). 'push status' shows per target how many are pushed, pending (with their
backoff) and failed (with the error); 'push retry' queues the failed ones again.`;

export async function showPushStatus(db: Kysely<Database>, options: { target?: string; json?: boolean }): Promise<void> {
  const status = await pushStatus(db, options);
  if (options.json) {
    console.log(JSON.stringify(status, null, 2));
    return;
  }
  if (status.summary.length === 0) {
    console.log('no pushes yet');
    return;
  }
  const lines = ['target      pushed  pending  failed  skipped'];
  for (const s of status.summary) {
    lines.push(`${s.target.padEnd(10)} ${String(s.pushed).padStart(7)} ${String(s.pending).padStart(8)} ${String(s.failed).padStart(7)} ${String(s.skipped).padStart(8)}`);
  }
  for (const p of status.problems) {
    const when = p.status === 'pending' ? `, next attempt ${new Date(p.nextAttemptAt).toISOString()}` : '';
    lines.push(`  ${p.status.toUpperCase()} ${p.target} ${p.sourceId} (${p.customerId}): ${p.attempts} attempt(s)${when}${p.lastError ? `: ${p.lastError}` : ''}`);
  }
  console.log(lines.join('\n'));
}

export async function retryPushes(db: Kysely<Database>, client: Client, taskQueue: string, settings: PushSettings, target?: string): Promise<void> {
  const count = await retryFailedPushes(db, target);
  const targets = (await pushStatus(db, { ...(target ? { target } : {}), limit: 0 })).summary.filter((s) => s.pending > 0).map((s) => s.target);
  for (const t of targets) await wakePushTarget(client, taskQueue, t, settings);
  console.log(`${count} failed push(es) queued again${targets.length > 0 ? ` for ${targets.join(', ')}` : ''}`);
}
