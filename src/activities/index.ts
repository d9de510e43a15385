import type { ActivityDeps } from './activity-deps.js';
import { beginRunActivity } from './begin-run.js';
import { finishRunActivity } from './finish-run.js';
import { matchStepActivity } from './match-step.js';
import { mergeChunkActivity } from './merge-chunk.js';
import { nonRetryableOnInputErrors } from './non-retryable.js';
import { planMergeActivity } from './plan-merge.js';
import { selectInputsActivity } from './select-inputs.js';
import { stageStepActivity } from './stage-step.js';

/** Builds every activity over its dependencies; registered by the worker. */
export function createActivities(deps: ActivityDeps) {
  return {
    beginRun: beginRunActivity(deps),
    selectInputs: nonRetryableOnInputErrors(selectInputsActivity(deps)),
    stageStep: nonRetryableOnInputErrors(stageStepActivity(deps)),
    matchStep: matchStepActivity(deps),
    planMerge: planMergeActivity(deps),
    mergeChunk: nonRetryableOnInputErrors(mergeChunkActivity(deps)),
    finishRun: finishRunActivity(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './activity-deps.js';
