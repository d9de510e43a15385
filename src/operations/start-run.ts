import type { WorkflowHandle } from '@temporalio/client';
import { planFlow, runKey, runSummary, runWorkflowId } from '../config/flow-plan.js';
import type { CustomerSyncInput, RunTrigger } from '../domain/run-types.js';
import type { customerSyncWorkflow } from '../workflows/customer-sync-workflow.js';
import type { OperationDeps } from './operation-deps.js';

/** Starts a run of `customerSyncWorkflow` under the given id; its handle. */
export async function startRun(
  { client, temporal }: Pick<OperationDeps, 'client' | 'temporal'>,
  workflowId: string,
  input: CustomerSyncInput,
): Promise<WorkflowHandle<typeof customerSyncWorkflow>> {
  return client.workflow.start<typeof customerSyncWorkflow>('customerSyncWorkflow', {
    taskQueue: temporal.taskQueue,
    workflowId,
    args: [input],
    memo: { flow: input.flow, trigger: input.trigger, ...(input.dryRun ? { dryRun: true } : {}) },
    staticSummary: runSummary(input),
  });
}

/** Options of {@link startFlowRun}. */
export interface FlowRunOptions {
  /** Read these source inputs (by name) instead of every pending one. */
  files?: string[];
  /** Compute the changes, write no customer. */
  dryRun?: boolean;
  /** Who started it; default `cli`. */
  trigger?: RunTrigger;
}

/** Starts a run of a flow of the config (id `sync/<flow>/<time>`); its handle. */
export async function startFlowRun(
  deps: Pick<OperationDeps, 'client' | 'temporal' | 'config'>,
  flow: string,
  options: FlowRunOptions = {},
): Promise<WorkflowHandle<typeof customerSyncWorkflow>> {
  const input = planFlow(deps.config, flow, { trigger: options.trigger ?? 'cli', inputs: options.files, dryRun: options.dryRun });
  return startRun(deps, runWorkflowId(flow, runKey(new Date())), input);
}

/** Whether any worker polls the task queue for workflow tasks right now (true when that cannot be told). */
export async function workerIsPolling({ client, temporal }: Pick<OperationDeps, 'client' | 'temporal'>): Promise<boolean> {
  try {
    const response = await client.workflowService.describeTaskQueue({ namespace: temporal.namespace, taskQueue: { name: temporal.taskQueue } });
    return (response.pollers ?? []).length > 0;
  } catch {
    return true;
  }
}
