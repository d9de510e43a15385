import type { Connection } from '@temporalio/client';
import { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import type { Database } from '../../db/database.js';
import { missingCandidates } from '../../db/repositories/deletions.js';
import { APPROVE_DELETIONS_SIGNAL, REJECT_DELETIONS_SIGNAL } from '../../domain/deletion-signals.js';
import { CliError } from '../cli-error.js';

export const deletionsHelp = `A run whose full snapshot lacks more than the flow's threshold of its source's
customers (deletion.threshold, default 10%) marks nothing and waits for a decision.
list:    runs waiting, with the customers each would mark missing
approve: mark them missing (deleted after the grace period unless they come back)
reject:  mark nothing; the run completes
The same decision can be sent from the Temporal UI or with
  temporal workflow signal --workflow-id <run-id> --name approveDeletions|rejectDeletions
No decision within deletion.approvalTimeout (default 24h) counts as rejected.`;

const SHOWN_PER_RUN = 20;

/** Runs waiting for approval of their deletions, with the customers they would mark. */
export async function listDeletions(db: Kysely<Database>, options: { json?: boolean }): Promise<void> {
  const runs = await db
    .selectFrom('sync_runs')
    .select(['id', 'flow', 'started_at', 'missing_candidates', 'source_customers'])
    .where('deletion_status', '=', 'awaiting-approval')
    .where('status', '=', 'running')
    .orderBy('started_at')
    .execute();
  const waiting = await Promise.all(
    runs.map(async (r) => ({
      runId: r.id,
      flow: r.flow,
      startedAt: new Date(r.started_at).toISOString(),
      wouldMarkMissing: r.missing_candidates,
      sourceCustomers: r.source_customers,
      customers: await missingCandidates(db, r.id, options.json ? 1_000_000 : SHOWN_PER_RUN),
    })),
  );
  if (options.json) {
    console.log(JSON.stringify(waiting, null, 2));
    return;
  }
  if (waiting.length === 0) {
    console.log('no run is waiting for approval of deletions');
    return;
  }
  for (const w of waiting) {
    const share = w.sourceCustomers > 0 ? ((100 * w.wouldMarkMissing) / w.sourceCustomers).toFixed(1) : '0';
    console.log(`${w.runId} (${w.flow}, started ${w.startedAt}): would mark ${w.wouldMarkMissing} of ${w.sourceCustomers} customers missing (${share}%)`);
    for (const c of w.customers) console.log(`  ${c.source_id}  ${c.name ?? ''}`.trimEnd());
    if (w.wouldMarkMissing > w.customers.length) console.log(`  … and ${w.wouldMarkMissing - w.customers.length} more (--json lists all)`);
    console.log(`  decide: custsync deletions approve ${w.runId}   or   custsync deletions reject ${w.runId}`);
  }
}

/** Sends an operator's decision to a run waiting for approval. */
export async function decideDeletions(
  db: Kysely<Database>,
  connection: Connection,
  temporal: TemporalSettings,
  runId: string,
  decision: 'approve' | 'reject',
): Promise<void> {
  const run = await db
    .selectFrom('sync_runs')
    .select(['status', 'deletion_status', 'missing_candidates'])
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!run) throw new CliError(`no run "${runId}"; runs waiting for a decision: custsync deletions list`);
  if (run.status !== 'running' || run.deletion_status !== 'awaiting-approval') {
    throw new CliError(
      `run ${runId} is not waiting for approval of deletions (status ${run.status}, deletions ${run.deletion_status ?? 'none'})`,
    );
  }
  const client = new Client({ connection, namespace: temporal.namespace });
  await client.workflow.getHandle(runId).signal(decision === 'approve' ? APPROVE_DELETIONS_SIGNAL : REJECT_DELETIONS_SIGNAL);
  console.log(
    decision === 'approve'
      ? `approved: run ${runId} marks ${run.missing_candidates} customers missing and completes`
      : `rejected: run ${runId} marks nothing and completes`,
  );
}
