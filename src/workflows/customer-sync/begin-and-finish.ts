import { CancellationScope } from '@temporalio/workflow';
import { rootCauseMessage } from '../../domain/root-cause-message.js';
import type { RunReport } from '../../domain/run-types.js';
import type { RunState } from './run-state.js';

/** Records the run as started: its flow, trigger, steps and config fingerprint (and the import lease). */
export async function begin(run: RunState): Promise<void> {
  const { input, runId } = run;
  await run.activities.beginRun({
    runId,
    flow: input.flow,
    trigger: input.trigger,
    mode: input.mode,
    steps: input.steps,
    configFingerprint: input.configFingerprint,
    ...(input.dryRun ? { dryRun: true } : {}),
    ...(input.lease ? { lease: input.lease } : {}),
  });
}

/** Records the run as completed (its inputs as processed) and returns its report. */
export async function finish(run: RunState): Promise<RunReport> {
  run.progress.phase = 'finishing';
  const report = await run.activities.finishRun({ runId: run.runId, status: 'completed', steps: run.steps, consumed: run.consumed });
  run.progress.phase = 'completed';
  return report;
}

/** Records the run as failed with its root cause, even while the workflow is being cancelled. */
export async function finishFailed(run: RunState, error: unknown): Promise<void> {
  run.progress.phase = 'failed';
  await CancellationScope.nonCancellable(() =>
    run.activities.finishRun({ runId: run.runId, status: 'failed', steps: run.steps, consumed: run.consumed, error: rootCauseMessage(error) }),
  );
}
