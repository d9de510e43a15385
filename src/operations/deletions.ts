import { missingCandidates } from '../db/repositories/deletions.js';
import { claimDeletionDecision, releaseDeletionDecision, runDeletionState, runsAwaitingDeletionApproval } from '../db/repositories/sync-runs.js';
import { APPROVE_DELETIONS_SIGNAL, REJECT_DELETIONS_SIGNAL, type DeletionDecisionSignal } from '../domain/deletion-signals.js';
import { OperationError } from '../domain/operation-error.js';
import type { OperationDeps } from './operation-deps.js';

/** A decision made on a run's deletions: what, by whom, when. */
export interface DeletionDecisionMade {
  decision: 'approve' | 'reject';
  by: string;
  at: string;
}

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
  /** The decision made on it, if one was (the run acts on it within moments): no other decision is taken. */
  decided?: DeletionDecisionMade;
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
      ...(r.deletion_decided_by && r.deletion_decided_at
        ? { decided: { decision: r.deletion_decision ?? 'approve', by: r.deletion_decided_by, at: r.deletion_decided_at.toISOString() } }
        : {}),
      sourceCustomers: r.source_customers,
      customers: await missingCandidates(db, r.id, options.customersPerRun ?? 1_000_000),
    })),
  );
}

/**
 * Sends an operator's decision to a run waiting for approval of its deletions; how many customers
 * it would mark. The first decision on a run wins, whoever sends it: a later one is refused
 * (`conflict`, naming who decided and when), sends no signal and changes nothing.
 */
export async function decideDeletions(
  { db, client }: Pick<OperationDeps, 'db' | 'client'>,
  runId: string,
  decision: 'approve' | 'reject',
  by: string,
): Promise<{ wouldMarkMissing: number }> {
  const claim = await claimDeletionDecision(db, runId, decision, by);
  if (!claim) throw await notDecidable(db, runId);
  // The decider travels with the signal, so the run's history in the Temporal UI shows who decided.
  const signal: DeletionDecisionSignal = { by, at: claim.at.toISOString() };
  try {
    await client.workflow.getHandle(runId).signal(decision === 'approve' ? APPROVE_DELETIONS_SIGNAL : REJECT_DELETIONS_SIGNAL, signal);
  } catch (error) {
    await releaseDeletionDecision(db, runId, claim);
    throw error;
  }
  return { wouldMarkMissing: claim.missingCandidates };
}

async function notDecidable(db: OperationDeps['db'], runId: string): Promise<OperationError> {
  const run = await runDeletionState(db, runId);
  if (!run) return new OperationError('not-found', `no run "${runId}"; runs waiting for a decision: custsync deletions list`);
  if (run.deletion_decided_by && run.deletion_decided_at) {
    const decided = run.deletion_decision ?? (run.deletion_status === 'rejected' ? 'reject' : 'approve');
    return new OperationError(
      'conflict',
      `run ${runId}: deletions already ${decided === 'approve' ? 'approved' : 'rejected'} by ${run.deletion_decided_by} at ${isoSeconds(run.deletion_decided_at)}; nothing was changed`,
    );
  }
  return new OperationError('conflict', `run ${runId} is not waiting for approval of deletions (status ${run.status}, deletions ${run.deletion_status ?? 'none'})`);
}

function isoSeconds(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
