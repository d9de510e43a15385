import { defineQuery, defineSignal, setHandler, workflowInfo } from '@temporalio/workflow';
import { APPROVE_DELETIONS_SIGNAL, REJECT_DELETIONS_SIGNAL } from '../../domain/deletion-signals.js';
import { activitiesOf, type SyncActivities } from './sync-activities.js';
import { emptyTotals, type ConsumedInput, type CustomerSyncInput, type RunProgress, type RunTotals, type StepStats } from '../../domain/run-types.js';

/** Live progress of a run: `custsync run` polls it, the Temporal UI can query it. */
export const progressQuery = defineQuery<RunProgress>('progress');

/** An operator approves the deletions a run waits with (more missing customers than the flow's threshold). */
export const approveDeletionsSignal = defineSignal(APPROVE_DELETIONS_SIGNAL);
/** An operator rejects them: nothing is marked missing, the run completes. */
export const rejectDeletionsSignal = defineSignal(REJECT_DELETIONS_SIGNAL);

/** What one execution of a run knows: carried over from the previous execution when it continued as new. */
export interface RunState {
  runId: string;
  input: CustomerSyncInput;
  steps: StepStats[];
  consumed: ConsumedInput[];
  progress: RunProgress;
  /** The source step read at least one full snapshot: customers it lacks are candidates for deletion. */
  sourceFull: boolean;
  /** The activities the run's phases call (queued, or in the worker for a small lookup). */
  activities: SyncActivities;
  /** An operator's answer to a deletion approval, once given. */
  deletionDecision?: 'approved' | 'rejected';
}

/** The run's state, answering the progress query and the deletion signals. */
export function trackRun(input: CustomerSyncInput): RunState {
  const runId = workflowInfo().workflowId;
  const resume = input.resume;
  const steps: StepStats[] =
    resume?.steps ??
    input.steps.map((s) => ({ role: s.role, connector: s.connector, inputs: [], read: 0, staged: 0, matched: 0, unmatched: 0, rejected: 0 }));
  const run: RunState = {
    runId,
    input,
    steps,
    consumed: resume?.consumed ?? [],
    sourceFull: resume?.sourceFull ?? false,
    activities: activitiesOf(input),
    progress: {
      runId,
      flow: input.flow,
      phase: 'starting',
      steps,
      totals: resume?.totals ?? emptyTotals(),
      chunksDone: resume?.chunksDone ?? 0,
      customersToMerge: 0,
    },
  };
  setHandler(progressQuery, () => run.progress);
  setHandler(approveDeletionsSignal, () => void (run.deletionDecision ??= 'approved'));
  setHandler(rejectDeletionsSignal, () => void (run.deletionDecision ??= 'rejected'));
  return run;
}

/** Adds a chunk's (or the plan's) counts to the run's totals. */
export function addTotals(run: RunState, counts: RunTotals): void {
  const t = run.progress.totals;
  t.customers += counts.customers;
  t.created += counts.created;
  t.updated += counts.updated;
  t.unchanged += counts.unchanged;
  t.rejected += counts.rejected;
}
