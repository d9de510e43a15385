import { condition, ParentClosePolicy, startChild, upsertMemo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DeletionPlan } from '../../domain/run-types.js';
import { deletionGraceWorkflow } from '../deletion-grace-workflow.js';
import type { RunState } from './run-state.js';

type DeletionOutcome = 'marked' | 'approved' | 'rejected' | 'timed-out';

/**
 * After a full snapshot of the source: customers it lacks are marked missing, at once when
 * they are few, after an operator's approval when they are more than the flow's threshold.
 * Marked customers go through their grace period in a child workflow of their own.
 */
export async function propagateDeletions(run: RunState): Promise<void> {
  const { input, runId, progress } = run;
  const { checkMissing, markMissingCustomers, recordDeletionStatus } = run.activities;
  if (!input.deletion || input.source !== 'connector') return;
  progress.phase = 'checking-deletions';
  const policy = input.deletion;
  const check = await checkMissing({
    runId,
    connector: input.steps[0]!.connector,
    fullSnapshot: run.sourceFull,
    ...(input.dryRun ? { dryRun: true } : {}),
  });
  if (check.candidates === 0) return;
  const needsApproval = check.candidates * 100 > policy.thresholdPercent * check.sourceCustomers;
  if (input.dryRun) {
    // A dry run only says what it found (and whether it would need approval).
    await recordDeletionStatus({ runId, status: needsApproval ? 'dry-run-needs-approval' : 'dry-run' });
    return;
  }
  // Too many at once (a truncated or empty snapshot?): an operator decides; updates and creations stand.
  const outcome: DeletionOutcome = needsApproval ? await awaitApproval(run, check, policy) : 'marked';
  if (outcome === 'rejected' || outcome === 'timed-out') {
    await recordDeletionStatus({ runId, status: outcome });
    return;
  }
  const marked = await markMissingCustomers({ runId, status: outcome });
  if (marked > 0) await startGracePeriod(run, marked);
}

/** Waits for an operator to approve or reject the deletions, for at most the flow's `approvalTimeout`. */
async function awaitApproval(
  run: RunState,
  check: { candidates: number; sourceCustomers: number },
  policy: DeletionPlan,
): Promise<DeletionOutcome> {
  const { progress } = run;
  await run.activities.recordDeletionStatus({ runId: run.runId, status: 'awaiting-approval' });
  progress.phase = 'awaiting-deletion-approval';
  progress.awaitingApproval = { candidates: check.candidates, sourceCustomers: check.sourceCustomers, thresholdPercent: policy.thresholdPercent };
  upsertMemo({ deletions: 'awaiting approval', wouldMarkMissing: check.candidates, sourceCustomers: check.sourceCustomers });
  const decided = await condition(() => run.deletionDecision !== undefined, policy.approvalTimeoutMs);
  const outcome = decided ? run.deletionDecision! : 'timed-out';
  progress.awaitingApproval = undefined;
  upsertMemo({ deletions: outcome });
  progress.phase = 'checking-deletions';
  return outcome;
}

/** Starts the child workflow that holds the run's missing customers through their grace period. */
async function startGracePeriod(run: RunState, marked: number): Promise<void> {
  const { input, runId } = run;
  try {
    await startChild(deletionGraceWorkflow, {
      workflowId: `${runId}/deletions`,
      args: [{ flow: input.flow, markRunId: runId, marked, gracePeriodMs: input.deletion!.gracePeriodMs, retentionMs: input.deletion!.retentionMs }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      memo: { flow: input.flow, markRunId: runId, marked },
    });
  } catch (error) {
    // A retried run finds its grace period already running.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
