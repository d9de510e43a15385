import type { RunState } from './run-state.js';

/** A flow with survivorship rules applies them to every stored customer when they changed since its last run. */
export async function applyChangedRules(run: RunState): Promise<void> {
  const { input, runId, activities } = run;
  if (!input.survivorship || input.dryRun) return;
  await activities.applySurvivorship({ runId, flow: input.flow, rules: input.survivorship });
}
