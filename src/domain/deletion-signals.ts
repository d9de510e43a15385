/** Signals an operator sends to a run waiting for approval of its deletions (CLI, Temporal UI or `temporal workflow signal`). */
export const APPROVE_DELETIONS_SIGNAL = 'approveDeletions';
export const REJECT_DELETIONS_SIGNAL = 'rejectDeletions';

/** What a deletion decision signal carries: who decided, and when (shown in the run's history). */
export interface DeletionDecisionSignal {
  by: string;
  at: string;
}
