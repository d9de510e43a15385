import { missingCandidates } from '../db/repositories/deletions.js';
import { recordDeletionDecision, runDeletionState, runsAwaitingDeletionApproval } from '../db/repositories/sync-runs.js';
import { APPROVE_DELETIONS_SIGNAL, REJECT_DELETIONS_SIGNAL, type DeletionDecisionSignal } from '../domain/deletion-signals.js';
import { OperationError } from './operation-error.js';
import type { OperationDeps } from './operation-deps.js';

/** A run waiting for an operator to approve or reject its deletions. */
export interface DeletionApproval {
  runId: string;
  flow: string;
  startedAt: string;
  /** Since when it waits, and when the wait ends (the flow's `approvalTimeout`): its deletions then count as rejected. */
  waitingSince?: string;
  decideBy?: string;
  wouldMarkMissing: number;
  sourceCustomers: number;
  /** The customers it would mark missing (up to the number asked for). */
  customers: { id: string; source_id: string; name: string | null }[];
}

/** Runs waiting for a decision on their deletions, each with up to `customersPerRun` of its customers (default all). */
export async function listDeletionApprovals(
  { db, config }: Pick<OperationDeps, 'db'> & { config?: OperationDeps['config'] },
  options: { customersPerRun?: number; runId?: string } = {},
): Promise<DeletionApproval[]> {
  const runs = (await runsAwaitingDeletionApproval(db)).filter((r) => options.runId === undefined || r.id === options.runId);
  return Promise.all(
    runs.map(async (r) => ({
      runId: r.id,
      flow: r.flow,
      startedAt: new Date(r.started_at).toISOString(),
      ...(r.deletion_status_at ? { waitingSince: r.deletion_status_at.toISOString() } : {}),
      ...(r.deletion_status_at && config?.flows[r.flow]
        ? { decideBy: new Date(r.deletion_status_at.getTime() + config.flows[r.flow]!.deletion.approvalTimeout).toISOString() }
        : {}),
      wouldMarkMissing: r.missing_candidates,
      sourceCustomers: r.source_customers,
      customers: await missingCandidates(db, r.id, options.customersPerRun ?? 1_000_000),
    })),
  );
}

/** Sends an operator's decision to a run waiting for approval of its deletions; how many customers it would mark. */
export async function decideDeletions(
  { db, client }: Pick<OperationDeps, 'db' | 'client'>,
  runId: string,
  decision: 'approve' | 'reject',
  by: string,
): Promise<{ wouldMarkMissing: number }> {
  const run = await runDeletionState(db, runId);
  if (!run) throw new OperationError('not-found', `no run "${runId}"; runs waiting for a decision: custsync deletions list`);
  if (run.status !== 'running' || run.deletion_status !== 'awaiting-approval') {
    throw new OperationError('conflict', `run ${runId} is not waiting for approval of deletions (status ${run.status}, deletions ${run.deletion_status ?? 'none'})`);
  }
  // The decider travels with the signal, so the run's history in the Temporal UI shows who decided.
  const signal: DeletionDecisionSignal = { by, at: new Date().toISOString() };
  await client.workflow.getHandle(runId).signal(decision === 'approve' ? APPROVE_DELETIONS_SIGNAL : REJECT_DELETIONS_SIGNAL, signal);
  await recordDeletionDecision(db, runId, by);
  return { wouldMarkMissing: run.missing_candidates };
}
