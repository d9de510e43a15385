import { CancellationScope, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { customerSyncWorkflow } from '../customer-sync-workflow.js';
import { addTotals, type RunState } from './run-state.js';
import { mergeChunk, syncActivities } from './sync-activities.js';

const { planMerge } = syncActivities;

/** Chunks merged at the same time: the worker's merging overlaps the database's writing. */
export const MERGE_LANES = 2;

/** Chunks merged in one execution before the run continues as new, keeping histories short. */
export const DEFAULT_CHUNKS_PER_EXECUTION = 400;

/**
 * Plans the merge (unchanged customers set aside in one pass, the rest cut into chunks),
 * then merges the chunks in {@link MERGE_LANES} lanes. The first failing chunk cancels the
 * other lanes. After `chunksPerExecution` chunks the run continues as new where it stopped.
 */
export async function mergeInLanes(run: RunState): Promise<void> {
  const { input, runId, progress } = run;
  const resume = input.resume;
  progress.phase = 'merging';
  const plan = await planMerge({ runId, steps: input.steps, chunkSize: input.chunkSize });
  if (!resume) addTotals(run, { customers: plan.unchanged, created: 0, updated: 0, unchanged: plan.unchanged, rejected: 0 });
  progress.customersToMerge = plan.toMerge + plan.unchanged;

  const chunkLimit = input.chunksPerExecution ?? DEFAULT_CHUNKS_PER_EXECUTION;
  let next = resume?.chunkIndex ?? 0;
  let startedHere = 0;
  let laneFailure: unknown;
  const lanes = new CancellationScope();
  const lane = async () => {
    while (laneFailure === undefined && next < plan.chunkStarts.length && startedHere < chunkLimit && !workflowInfo().continueAsNewSuggested) {
      const index = next++;
      startedHere++;
      const chunk = await mergeChunk({
        runId,
        steps: input.steps,
        source: input.source,
        afterCustomerId: plan.chunkStarts[index]!,
        limit: input.chunkSize,
        fromMergeSet: true,
        ...(input.dryRun ? { dryRun: true } : {}),
        ...(input.reviewNewCustomers ? { holdNew: { flow: input.flow } } : {}),
      });
      addTotals(run, chunk.totals);
      progress.chunksDone++;
    }
  };
  const failFast = (error: unknown) => {
    if (laneFailure === undefined) {
      laneFailure = error;
      lanes.cancel();
    }
  };
  await lanes.run(() => Promise.all(Array.from({ length: MERGE_LANES }, () => lane().catch(failFast))));
  if (laneFailure !== undefined) throw laneFailure as Error;
  if (next < plan.chunkStarts.length) await continueWhereStopped(run, next);
}

/** Continues the run as a new execution that merges from chunk `chunkIndex` on. */
async function continueWhereStopped(run: RunState, chunkIndex: number): Promise<never> {
  const { input } = run;
  return continueAsNew<typeof customerSyncWorkflow>({
    ...input,
    resume: {
      steps: run.steps,
      consumed: run.consumed,
      totals: run.progress.totals,
      chunkIndex,
      chunksDone: run.progress.chunksDone,
      startedAt: input.resume?.startedAt ?? workflowInfo().startTime.getTime(),
      sourceFull: run.sourceFull,
    },
  });
}
