import { CancellationScope, workflowInfo } from '@temporalio/workflow';
import { DEFAULT_MERGE_LANES, type CustomerSyncInput } from '../../domain/run-types.js';
import type { MergePlan } from '../../activities/plan-merge.js';
import { addTotals, type RunState } from './run-state.js';

/** Chunks merged in one execution before the run continues as new, keeping histories short. */
export const DEFAULT_CHUNKS_PER_EXECUTION = 400;

/** Runs planned before the plan kept its chunk boundaries to itself recorded them in history. */
type RecordedMergePlan = Omit<MergePlan, 'chunks'> & { chunks?: number; chunkStarts?: string[] };

/**
 * Plans the merge (unchanged customers set aside in one pass, the rest cut into chunks, their
 * boundaries kept with the plan in the database), then merges the chunks by index in the
 * flow's lanes (default {@link DEFAULT_MERGE_LANES}: one worker's merging overlaps the
 * database's writing; more lanes let more workers share the run). The first failing chunk
 * cancels the other lanes.
 *
 * @returns the chunk to continue from in a new execution, once `chunksPerExecution` chunks
 *   (or the history's suggested size) are done here; undefined when every chunk is merged
 */
export async function mergeInLanes(run: RunState): Promise<number | undefined> {
  const { input, runId, progress } = run;
  const { planMerge, mergeChunk } = run.activities;
  const resume = input.resume;
  progress.phase = 'merging';
  const plan: RecordedMergePlan = await planMerge({ runId, steps: input.steps, chunkSize: input.chunkSize });
  const chunks = plan.chunks ?? plan.chunkStarts?.length ?? 0;
  if (!resume) addTotals(run, { customers: plan.unchanged, created: 0, updated: 0, unchanged: plan.unchanged, rejected: 0 });
  progress.customersToMerge = plan.toMerge + plan.unchanged;

  const chunkLimit = input.chunksPerExecution ?? DEFAULT_CHUNKS_PER_EXECUTION;
  let next = resume?.chunkIndex ?? 0;
  let startedHere = 0;
  let laneFailure: unknown;
  const lanes = new CancellationScope();
  const lane = async () => {
    while (laneFailure === undefined && next < chunks && startedHere < chunkLimit && !workflowInfo().continueAsNewSuggested) {
      const index = next++;
      startedHere++;
      const chunk = await mergeChunk({
        runId,
        steps: input.steps,
        source: input.source,
        chunkIndex: index,
        limit: input.chunkSize,
        ...(input.dryRun ? { dryRun: true } : {}),
        ...(input.reviewNewCustomers ? { holdNew: { flow: input.flow } } : {}),
        ...(input.survivorship ? { survivorship: input.survivorship } : {}),
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
  await lanes.run(() => Promise.all(Array.from({ length: input.mergeLanes ?? DEFAULT_MERGE_LANES }, () => lane().catch(failFast))));
  if (laneFailure !== undefined) throw laneFailure as Error;
  return next < chunks ? next : undefined;
}

/** The input of the execution that merges a run on from chunk `chunkIndex`. */
export function resumeFrom(run: RunState, chunkIndex: number): CustomerSyncInput {
  const { input } = run;
  return {
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
  };
}
