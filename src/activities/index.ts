import type { ActivityDeps } from './activity-deps.js';
import { beginRunActivity } from './begin-run.js';
import { checkMissingActivity } from './check-missing.js';
import { claimOrderEventsActivity } from './claim-order-events.js';
import { deleteMissingActivity, purgeDeletedActivity } from './delete-missing.js';
import { applySurvivorshipActivity } from './apply-survivorship.js';
import { findDuplicatesActivity } from './find-duplicates.js';
import { finishRunActivity } from './finish-run.js';
import { markMissingActivity, recordDeletionStatusActivity } from './mark-missing.js';
import { heartbeating } from './heartbeating.js';
import { matchStepActivity } from './match-step.js';
import { mergeChunkActivity } from './merge-chunk.js';
import { nonRetryableOnInputErrors } from './non-retryable.js';
import { planMergeActivity } from './plan-merge.js';
import { deliverNotificationsActivity } from './notifications/deliver-notifications.js';
import { pushPendingActivity } from './push-pending.js';
import { queuePushesActivity } from './queue-pushes.js';
import { selectInputsActivity } from './select-inputs.js';
import { stageStepActivity } from './stage-step.js';

/** Builds every activity over its dependencies; registered by the worker. */
export function createActivities(deps: ActivityDeps) {
  return {
    beginRun: heartbeating(beginRunActivity(deps)),
    selectInputs: heartbeating(nonRetryableOnInputErrors(selectInputsActivity(deps))),
    stageStep: nonRetryableOnInputErrors(stageStepActivity(deps)),
    matchStep: heartbeating(nonRetryableOnInputErrors(matchStepActivity(deps))),
    planMerge: heartbeating(nonRetryableOnInputErrors(planMergeActivity(deps))),
    mergeChunk: heartbeating(nonRetryableOnInputErrors(mergeChunkActivity(deps))),
    finishRun: heartbeating(finishRunActivity(deps)),
    checkMissing: heartbeating(nonRetryableOnInputErrors(checkMissingActivity(deps))),
    markMissingCustomers: heartbeating(markMissingActivity(deps)),
    recordDeletionStatus: recordDeletionStatusActivity(deps),
    deleteMissing: heartbeating(deleteMissingActivity(deps)),
    purgeDeletedCustomers: heartbeating(purgeDeletedActivity(deps)),
    claimOrderEvents: claimOrderEventsActivity(deps),
    queuePushes: heartbeating(queuePushesActivity(deps)),
    findDuplicates: heartbeating(findDuplicatesActivity(deps)),
    applySurvivorship: heartbeating(applySurvivorshipActivity(deps)),
    pushPending: heartbeating(pushPendingActivity(deps)),
    deliverNotifications: heartbeating(deliverNotificationsActivity(deps)),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './activity-deps.js';
