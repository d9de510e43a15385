import type { RunState } from './run-state.js';

/** Customers created or updated go out to the flow's push targets (not back where they came from). */
export async function queueOutboundPushes(run: RunState): Promise<void> {
  const { input, runId, activities } = run;
  if (!input.pushTo || input.pushTo.length === 0 || input.dryRun) return;
  await activities.queuePushes({ runId, targets: input.pushTo, steps: input.steps });
}
