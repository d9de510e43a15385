import type { WorkflowHandle } from '@temporalio/client';
import type { RunProgress } from '../../src/domain/run-types.js';

/** Polls a run's progress query until it reports `phase` (for at most 2 minutes: a slow machine is not a failure). */
export async function waitForPhase(handle: WorkflowHandle, phase: RunProgress['phase']): Promise<RunProgress> {
  for (let i = 0; i < 1_200; i++) {
    const progress = await handle.query<RunProgress>('progress');
    if (progress.phase === phase) return progress;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${handle.workflowId} never reached phase ${phase}`);
}
