import { loadMergePlan, storeMergePlan, type MergePlan } from '../db/repositories/merge-plans.js';
import type { FlowStepPlan } from '../domain/run-types.js';
import type { ActivityDeps } from './activity-deps.js';

export type { MergePlan };

export interface PlanMergeInput {
  runId: string;
  steps: FlowStepPlan[];
  chunkSize: number;
}

/**
 * Decides once, in one set-based pass, which staged customers need merging: those
 * whose input hash differs from the stored one. The plan is stored with the run, so
 * retries and continued executions get the very same chunks.
 */
export function planMergeActivity({ db }: ActivityDeps) {
  return async function planMerge(input: PlanMergeInput): Promise<MergePlan> {
    const stored = await loadMergePlan(db, input.runId);
    if (stored) return stored;
    await storeMergePlan(db, input.runId, input.steps, input.chunkSize);
    return (await loadMergePlan(db, input.runId))!;
  };
}
