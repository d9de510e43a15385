import { ApplicationFailure } from '@temporalio/common';
import { acquireFlowLease } from '../db/repositories/flow-leases.js';
import { markStagingKept } from '../db/repositories/staging-sentinels.js';
import { clearRunWorkspace, recordRunBegun } from '../db/repositories/sync-runs.js';
import type { FlowStepPlan, RunTrigger } from '../domain/run-types.js';
import type { ActivityDeps } from './activity-deps.js';

export interface BeginRunInput {
  runId: string;
  flow: string;
  trigger: RunTrigger;
  /** Runs begun before inputs were classified carried the flow's mode; the run's mode is set when it finishes. */
  mode?: 'full' | 'delta';
  steps: FlowStepPlan[];
  /** Fingerprint of the config the run was started from; checked against the worker's own. */
  configFingerprint?: string;
  dryRun?: boolean;
  /** What the run holds; default the flow. */
  lease?: string;
}

/**
 * Records the run and its steps (a retried run is marked running again) and starts its staging
 * afresh, then refuses
 * the run if it was started from a config that differs from this worker's, or if
 * another run of the flow is running (one run per flow at a time).
 */
export function beginRunActivity({ db, flowFingerprint, isRunActive }: ActivityDeps) {
  return async function beginRun(input: BeginRunInput): Promise<void> {
    await recordRunBegun(db, {
      runId: input.runId,
      flow: input.flow,
      trigger: input.trigger,
      steps: input.steps,
      ...(input.mode ? { mode: input.mode } : {}),
      ...(input.dryRun ? { dryRun: true } : {}),
    });
    // Staged from its start again (a retried run, or one whose staging PostgreSQL lost): nothing left of an earlier attempt.
    await db.transaction().execute(async (trx) => {
      await clearRunWorkspace(trx, input.runId, { keepMergeSet: true });
      await markStagingKept(trx, input.runId);
    });
    const own = flowFingerprint(input.flow);
    if (input.configFingerprint && input.configFingerprint !== own) {
      throw ApplicationFailure.create({
        type: 'ConfigMismatchError',
        nonRetryable: true,
        message: own
          ? `this run was started from a config of flow "${input.flow}" (fingerprint ${input.configFingerprint}) that differs from the worker's (${own}); ` +
            'restart the workers after editing the config, run `custsync schedules apply` for scheduled runs, then retry the run'
          : `the worker's config has no flow "${input.flow}"; restart the workers with the config the run was started from`,
      });
    }
    const lease = input.lease ?? input.flow;
    const holder = await acquireFlowLease(db, lease, input.runId, isRunActive);
    if (holder !== input.runId) {
      throw ApplicationFailure.create({
        type: 'FlowBusyError',
        nonRetryable: true,
        message:
          `${lease === input.flow ? `flow "${input.flow}"` : lease} is already running: run ${holder}; only one run of a flow runs at a time, ` +
          `so this one was refused (follow the other with: custsync runs show ${holder})`,
      });
    }
  };
}
