import type { RunState } from './run-state.js';
import { syncActivities } from './sync-activities.js';

const { queuePushes } = syncActivities;

/** Customers created or updated go out to the flow's push targets (not back where they came from). */
export async function queueOutboundPushes(run: RunState): Promise<void> {
  const { input, runId } = run;
  if (!input.pushTo || input.pushTo.length === 0 || input.dryRun) return;
  await queuePushes({ runId, targets: input.pushTo, steps: input.steps });
}
