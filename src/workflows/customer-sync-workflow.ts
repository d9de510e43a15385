import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  defineSignal,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { APPROVE_DELETIONS_SIGNAL, REJECT_DELETIONS_SIGNAL } from '../domain/deletion-signals.js';
import { rootCauseMessage } from '../domain/root-cause-message.js';
import {
  emptyTotals,
  type ConsumedInput,
  type CustomerSyncInput,
  type RunProgress,
  type RunReport,
  type StepStats,
} from '../domain/run-types.js';
import { ACTIVITY_HEARTBEAT_TIMEOUT, ACTIVITY_RETRY } from './activity-retry.js';
import { deletionGraceWorkflow } from './deletion-grace-workflow.js';

/** Live progress of a run: `custsync run` polls it, the Temporal UI can query it. */
export const progressQuery = defineQuery<RunProgress>('progress');

/** An operator approves the deletions a run waits with (more missing customers than the flow's threshold). */
export const approveDeletionsSignal = defineSignal(APPROVE_DELETIONS_SIGNAL);
/** An operator rejects them: nothing is marked missing, the run completes. */
export const rejectDeletionsSignal = defineSignal(REJECT_DELETIONS_SIGNAL);

/** Chunks merged at the same time: the worker's merging overlaps the database's writing. */
export const MERGE_LANES = 2;

/** Chunks merged in one execution before the run continues as new, keeping histories short. */
export const DEFAULT_CHUNKS_PER_EXECUTION = 400;

// Every activity heartbeats (staging with its read position): one lost with its worker is
// retried on another within the heartbeat timeout, not after its start-to-close timeout.
const heartbeatTimeout = ACTIVITY_HEARTBEAT_TIMEOUT;
const retry = ACTIVITY_RETRY;
const {
  beginRun,
  selectInputs,
  matchStep,
  planMerge,
  finishRun,
  checkMissing,
  markMissingCustomers,
  recordDeletionStatus,
  queuePushes,
} = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout,
  retry,
});
const { stageStep } = proxyActivities<Activities>({ startToCloseTimeout: '4 hours', heartbeatTimeout, retry });
const { mergeChunk } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout,
  retry,
  // A failing lane cancels the others; cleanup waits until their chunks have really stopped.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

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
  let deletionDecision: 'approved' | 'rejected' | undefined;
  setHandler(approveDeletionsSignal, () => void (deletionDecision ??= 'approved'));
  setHandler(rejectDeletionsSignal, () => void (deletionDecision ??= 'rejected'));
  let sourceFull = resume?.sourceFull ?? false;

  try {
    if (!resume) {
      await beginRun({
        runId,
        flow: input.flow,
        trigger: input.trigger,
        mode: input.mode,
        steps: input.steps,
        configFingerprint: input.configFingerprint,
        ...(input.dryRun ? { dryRun: true } : {}),
        ...(input.lease ? { lease: input.lease } : {}),
      });
      for (const [index, step] of input.steps.entries()) {
        const stats = steps[index]!;
        progress.phase = 'staging';
        progress.currentStep = index;
        const inputs = await selectInputs({
          runId,
          stepIndex: index,
          connector: step.connector,
          requested: step.role === 'source' ? input.inputs : undefined,
          ...(step.role === 'source' && input.lookup ? { lookup: input.lookup } : {}),
          ...(step.role === 'source' && input.importFile ? { importFile: input.importFile } : {}),
        });
        stats.inputs = inputs.map((i) => i.name);
        if (step.role === 'source' && inputs.some((i) => (i.kind ?? 'full') === 'full')) sourceFull = true;
        for (const [inputIndex, connectorInput] of inputs.entries()) {
          const staged = await stageStep({
            runId,
            stepIndex: index,
            connector: step.connector,
            input: connectorInput,
            inputIndex,
            pageSize: input.pageSize,
            matchBy: step.role === 'enrichment' ? (step.matchBy ?? 'sourceId') : undefined,
            ...(step.role === 'source' && input.maxRejectedPercent !== undefined
              ? { maxRejectedPercent: input.maxRejectedPercent }
              : {}),
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
        stats.rejected += matched.rejected ?? 0;
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
          sourceFull,
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
      let laneFailure: unknown;
      const lanes = new CancellationScope();
      const lane = async () => {
        while (
          laneFailure === undefined &&
          next < plan.chunkStarts.length &&
          startedHere < chunkLimit &&
          !workflowInfo().continueAsNewSuggested
        ) {
          const index = next++;
          startedHere++;
          const chunk = await mergeChunk({
            runId,
            steps: input.steps,
            source: input.source,
            afterCustomerId: plan.chunkStarts[index]!,
            limit: input.chunkSize,
            fromMergeSet: true,
            ...(input.dryRun ? { dryRun: true } : {}),
            ...(input.reviewNewCustomers ? { holdNew: { flow: input.flow } } : {}),
          });
          add(chunk.totals);
          progress.chunksDone++;
        }
      };
      // The first failing chunk stops the other lanes before the failure path cleans up.
      const failFast = (error: unknown) => {
        if (laneFailure === undefined) {
          laneFailure = error;
          lanes.cancel();
        }
      };
      await lanes.run(() => Promise.all(Array.from({ length: MERGE_LANES }, () => lane().catch(failFast))));
      if (laneFailure !== undefined) throw laneFailure as Error;
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
          ...(input.reviewNewCustomers ? { holdNew: { flow: input.flow } } : {}),
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

    if (input.deletion && input.source === 'connector' && patched('deletion-propagation')) {
      progress.phase = 'checking-deletions';
      const policy = input.deletion;
      const check = await checkMissing({
        runId,
        connector: input.steps[0]!.connector,
        fullSnapshot: sourceFull,
        ...(input.dryRun ? { dryRun: true } : {}),
      });
      if (check.candidates > 0 && input.dryRun) {
        // A dry run only says what it found (and whether it would need approval).
        const needsApproval = check.candidates * 100 > policy.thresholdPercent * check.sourceCustomers;
        await recordDeletionStatus({ runId, status: needsApproval ? 'dry-run-needs-approval' : 'dry-run' });
      } else if (check.candidates > 0) {
        let outcome: 'marked' | 'approved' | 'rejected' | 'timed-out' = 'marked';
        if (check.candidates * 100 > policy.thresholdPercent * check.sourceCustomers) {
          // Too many at once (a truncated or empty snapshot?): an operator decides; updates and creations stand.
          await recordDeletionStatus({ runId, status: 'awaiting-approval' });
          progress.phase = 'awaiting-deletion-approval';
          progress.awaitingApproval = {
            candidates: check.candidates,
            sourceCustomers: check.sourceCustomers,
            thresholdPercent: policy.thresholdPercent,
          };
          upsertMemo({ deletions: 'awaiting approval', wouldMarkMissing: check.candidates, sourceCustomers: check.sourceCustomers });
          const decided = await condition(() => deletionDecision !== undefined, policy.approvalTimeoutMs);
          outcome = decided ? deletionDecision! : 'timed-out';
          progress.awaitingApproval = undefined;
          upsertMemo({ deletions: outcome });
          progress.phase = 'checking-deletions';
        }
        if (outcome === 'marked' || outcome === 'approved') {
          const marked = await markMissingCustomers({ runId, status: outcome });
          if (marked > 0) await startGracePeriod(input, runId, marked);
        } else {
          await recordDeletionStatus({ runId, status: outcome });
        }
      }
    }

    if (input.pushTo && input.pushTo.length > 0 && !input.dryRun) {
      // Customers created or updated go out to the flow's targets (not back where they came from).
      await queuePushes({ runId, targets: input.pushTo, steps: input.steps });
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

/** Starts the child workflow that holds the run's missing customers through their grace period. */
async function startGracePeriod(input: CustomerSyncInput, runId: string, marked: number): Promise<void> {
  try {
    await startChild(deletionGraceWorkflow, {
      workflowId: `${runId}/deletions`,
      args: [
        {
          flow: input.flow,
          markRunId: runId,
          marked,
          gracePeriodMs: input.deletion!.gracePeriodMs,
          retentionMs: input.deletion!.retentionMs,
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      memo: { flow: input.flow, markRunId: runId, marked },
    });
  } catch (error) {
    // A retried run finds its grace period already running.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
