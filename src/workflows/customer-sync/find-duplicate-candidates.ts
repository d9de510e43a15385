import type { RunState } from './run-state.js';

/** Customers the run created or updated are checked for duplicates among every customer (flows with `duplicates`). */
export async function findDuplicateCandidates(run: RunState): Promise<void> {
  const { input, runId, activities } = run;
  if (!input.duplicates || input.dryRun) return;
  run.progress.phase = 'finding-duplicates';
  await activities.findDuplicates({
    runId,
    keys: input.duplicates.keys,
    ...(input.duplicates.autoMerge ? { autoMerge: true } : {}),
  });
}
