import { ContinueAsNew, continueAsNew, log, patched } from '@temporalio/workflow';
import type { CustomerSyncInput, RunReport } from '../domain/run-types.js';
import { begin, finish, finishFailed } from './customer-sync/begin-and-finish.js';
import { mergeInLanes, resumeFrom } from './customer-sync/merge-in-lanes.js';
import { propagateDeletions } from './customer-sync/propagate-deletions.js';
import { applyChangedRules } from './customer-sync/apply-changed-rules.js';
import { findDuplicateCandidates } from './customer-sync/find-duplicate-candidates.js';
import { queueOutboundPushes } from './customer-sync/queue-outbound-pushes.js';
import { isStagingLost, MAX_RESTAGINGS, restageFrom } from './customer-sync/restage.js';
import { trackRun } from './customer-sync/run-state.js';
import { stageAndMatch } from './customer-sync/stage-and-match.js';

export { approveDeletionsSignal, progressQuery, rejectDeletionsSignal } from './customer-sync/run-state.js';
export { DEFAULT_CHUNKS_PER_EXECUTION } from './customer-sync/merge-in-lanes.js';

/**
 * One run of a flow, in the README's phases: stage and match each step, plan and merge
 * in lanes, propagate deletions, apply changed survivorship rules, find duplicates, queue pushes,
 * finish. Only counts, cursors and ids pass
 * through the history; customer data stays in the database. A long merge continues as
 * new between batches of chunks (as Temporal's continue-as-new sample does, here in the
 * workflow itself); the next execution starts at the merge where the last one stopped. A run
 * whose staged records PostgreSQL lost (a crash) begins again in a new execution.
 */
export async function customerSyncWorkflow(input: CustomerSyncInput): Promise<RunReport> {
  const run = trackRun(input);
  try {
    if (!input.resume) {
      await begin(run);
      for (const [index, step] of input.steps.entries()) await stageAndMatch(run, step, index);
      run.progress.currentStep = undefined;
    }
    const stoppedAt = await mergeInLanes(run);
    if (stoppedAt !== undefined) return await continueAsNew<typeof customerSyncWorkflow>(resumeFrom(run, stoppedAt));
    await propagateDeletions(run);
    await applyChangedRules(run);
    // Before the pushes: a customer the run merges into an existing one is pushed as that one.
    await findDuplicateCandidates(run);
    await queueOutboundPushes(run);
    return await finish(run);
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    // Patched: a history in which an earlier version failed the run on this error replays as it ran.
    if (isStagingLost(error) && (input.restaged ?? 0) < MAX_RESTAGINGS && patched('restage-lost-staging')) {
      log.warn('PostgreSQL lost the run\'s staged records (a crash or a failover): the run begins again, keeping the chunks it merged', { runId: run.runId });
      return await continueAsNew<typeof customerSyncWorkflow>(restageFrom(run));
    }
    await finishFailed(run, error);
    throw error;
  }
}
