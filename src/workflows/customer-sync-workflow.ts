import {
  CancellationScope,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../domain/failure-types.js';
import { rootCauseMessage } from '../domain/root-cause-message.js';
import {
  emptyTotals,
  type ConsumedInput,
  type CustomerSyncInput,
  type RunProgress,
  type RunReport,
  type StepStats,
} from './customer-sync-types.js';

/** Live progress of a run: `custsync run` polls it, the Temporal UI can query it. */
export const progressQuery = defineQuery<RunProgress>('progress');

/** Chunks merged at the same time: the worker's merging overlaps the database's writing. */
export const MERGE_LANES = 2;

/** Chunks merged in one execution before the run continues as new, keeping histories short. */
export const DEFAULT_CHUNKS_PER_EXECUTION = 400;

const retry: ActivityOptions['retry'] = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

const { beginRun, selectInputs, matchStep, planMerge, finishRun } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry,
});
const { stageStep } = proxyActivities<Activities>({
  startToCloseTimeout: '4 hours',
  // Heartbeats carry the read position; the SDK sends them at most every 80% of this.
  heartbeatTimeout: '30 seconds',
  retry,
});
const { mergeChunk } = proxyActivities<Activities>({ startToCloseTimeout: '15 minutes', retry });

/**
 * One run of a flow: stage every step's records, match them to customers, then
 * merge and persist chunk by chunk. Only counts, cursors and ids pass through
 * the history; customer data stays in the database.
 */
export async function customerSyncWorkflow(input: CustomerSyncInput): Promise<RunReport> {
  const runId = workflowInfo().workflowId;
  const resume = input.resume;
  const steps: StepStats[] =
    resume?.steps ??
    input.steps.map((s) => ({
      role: s.role,
      connector: s.connector,
      inputs: [],
      read: 0,
      staged: 0,
      matched: 0,
      unmatched: 0,
      rejected: 0,
    }));
  const consumed: ConsumedInput[] = resume?.consumed ?? [];
  const progress: RunProgress = {
    runId,
    flow: input.flow,
    phase: 'starting',
    steps,
    totals: resume?.totals ?? emptyTotals(),
    chunksDone: resume?.chunksDone ?? 0,
    customersToMerge: 0,
  };
  setHandler(progressQuery, () => progress);

  try {
    if (!resume) {
      await beginRun({ runId, flow: input.flow, trigger: input.trigger, mode: input.mode, steps: input.steps });
      for (const [index, step] of input.steps.entries()) {
        const stats = steps[index]!;
        progress.phase = 'staging';
        progress.currentStep = index;
        const inputs = await selectInputs({
          runId,
          stepIndex: index,
          connector: step.connector,
          requested: step.role === 'source' ? input.inputs : undefined,
        });
        stats.inputs = inputs.map((i) => i.name);
        for (const [inputIndex, connectorInput] of inputs.entries()) {
          const staged = await stageStep({
            runId,
            stepIndex: index,
            connector: step.connector,
            input: connectorInput,
            inputIndex,
            pageSize: input.pageSize,
            matchBy: step.role === 'enrichment' ? (step.matchBy ?? 'sourceId') : undefined,
          });
          stats.read += staged.read;
          stats.staged = staged.staged;
          stats.rejected = staged.rejected;
          consumed.push({ connector: step.connector, input: connectorInput });
        }
        progress.phase = 'matching';
        const matched = await matchStep({
          runId,
          stepIndex: index,
          connector: step.connector,
          role: step.role,
          matchBy: step.matchBy,
          sourceConnector: input.source === 'connector' ? input.steps[0]!.connector : undefined,
        });
        stats.matched = matched.matched;
        stats.unmatched = matched.unmatched;
      }
      progress.currentStep = undefined;
    }

    progress.phase = 'merging';
    const t = progress.totals;
    const add = (chunk: { customers: number; created: number; updated: number; unchanged: number; rejected: number }) => {
      t.customers += chunk.customers;
      t.created += chunk.created;
      t.updated += chunk.updated;
      t.unchanged += chunk.unchanged;
      t.rejected += chunk.rejected;
    };
    const chunkLimit = input.chunksPerExecution ?? DEFAULT_CHUNKS_PER_EXECUTION;
    const resumeWith = async (position: { afterCustomerId: string; chunkIndex?: number }) =>
      continueAsNew<typeof customerSyncWorkflow>({
        ...input,
        resume: {
          steps,
          consumed,
          totals: progress.totals,
          ...position,
          chunksDone: progress.chunksDone,
          startedAt: resume?.startedAt ?? workflowInfo().startTime.getTime(),
        },
      });

    // A run continued from an execution that merged sequentially goes on the same way.
    const planned = resume ? resume.chunkIndex !== undefined : patched('merge-plan-and-lanes');
    if (planned) {
      // Unchanged customers are set aside in one pass; the rest is merged in chunks, several at a time.
      const plan = await planMerge({ runId, steps: input.steps, chunkSize: input.chunkSize });
      if (!resume) add({ customers: plan.unchanged, created: 0, updated: 0, unchanged: plan.unchanged, rejected: 0 });
      progress.customersToMerge = plan.toMerge + plan.unchanged;
      let next = resume?.chunkIndex ?? 0;
      let startedHere = 0;
      const lane = async () => {
        while (next < plan.chunkStarts.length && startedHere < chunkLimit && !workflowInfo().continueAsNewSuggested) {
          const index = next++;
          startedHere++;
          const chunk = await mergeChunk({
            runId,
            steps: input.steps,
            source: input.source,
            afterCustomerId: plan.chunkStarts[index]!,
            limit: input.chunkSize,
            fromMergeSet: true,
          });
          add(chunk.totals);
          progress.chunksDone++;
        }
      };
      await Promise.all(Array.from({ length: MERGE_LANES }, lane));
      if (next < plan.chunkStarts.length) await resumeWith({ afterCustomerId: '', chunkIndex: next });
    } else {
      let after = resume?.afterCustomerId ?? '';
      let chunksThisExecution = 0;
      for (;;) {
        const chunk = await mergeChunk({
          runId,
          steps: input.steps,
          source: input.source,
          afterCustomerId: after,
          limit: input.chunkSize,
        });
        if (!chunk.lastCustomerId) break;
        add(chunk.totals);
        progress.chunksDone++;
        after = chunk.lastCustomerId;
        chunksThisExecution++;
        if (chunksThisExecution >= chunkLimit || workflowInfo().continueAsNewSuggested) {
          await resumeWith({ afterCustomerId: after });
        }
      }
    }

    progress.phase = 'finishing';
    const report = await finishRun({ runId, status: 'completed', steps, consumed });
    progress.phase = 'completed';
    return report;
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    progress.phase = 'failed';
    await CancellationScope.nonCancellable(() =>
      finishRun({ runId, status: 'failed', steps, consumed, error: rootCauseMessage(error) }),
    );
    throw error;
  }
}
