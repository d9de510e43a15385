import type { ActivityDeps } from './activity-deps.js';
import type { FlowStepPlan, RunTrigger } from '../workflows/customer-sync-types.js';

export interface BeginRunInput {
  runId: string;
  flow: string;
  trigger: RunTrigger;
  mode: 'full' | 'delta';
  steps: FlowStepPlan[];
}

/** Records the run and its steps; a second call for the same run changes nothing. */
export function beginRunActivity({ db }: ActivityDeps) {
  return async function beginRun(input: BeginRunInput): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sync_runs')
        .values({ id: input.runId, flow: input.flow, trigger: input.trigger, status: 'running', mode: input.mode })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      if (input.steps.length > 0) {
        await trx
          .insertInto('sync_run_steps')
          .values(
            input.steps.map((s, i) => ({
              run_id: input.runId,
              step_index: i,
              role: s.role,
              connector: s.connector,
              inputs: '[]',
            })),
          )
          .onConflict((oc) => oc.columns(['run_id', 'step_index']).doNothing())
          .execute();
      }
    });
  };
}
