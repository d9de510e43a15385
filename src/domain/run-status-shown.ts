/** A run's state as people read it: `waiting` while it waits for a decision on its deletions, else its status. */
export function runStatusShown(status: string, deletionStatus: string | null | undefined): string {
  return status === 'running' && deletionStatus === 'awaiting-approval' ? 'waiting' : status;
}
