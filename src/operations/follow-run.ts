import { ServiceError, WorkflowFailedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { RunProgress, RunReport } from '../domain/run-types.js';
import { rootCauseMessage } from '../domain/root-cause-message.js';

/**
 * Exit codes of the commands that wait for a run (`run`, `import`, `order`): the run's
 * outcome, not whether following it went smoothly.
 */
export const RUN_EXIT_CODES = {
  completed: 0,
  failed: 1,
  /** Usage errors (commander). */
  usage: 2,
  /** The run was still running when the command stopped following it (Temporal unreachable for too long). */
  stillRunning: 3,
  /** The run waits for an operator to approve or reject its deletions. */
  awaitingApproval: 4,
} as const;

/** How long a command keeps trying to reach Temporal while following a run, by default (5 minutes). */
export const DEFAULT_RECONNECT_FOR_MS = 5 * 60_000;

export interface FollowRunOptions {
  /** Keep retrying this long while Temporal cannot be reached (default {@link DEFAULT_RECONNECT_FOR_MS}). */
  reconnectForMs?: number;
  /** Return as soon as the run waits for a deletion approval (default true); false follows it through the wait. */
  stopAtApproval?: boolean;
  /** Where notices go (Temporal unreachable, reachable again). */
  say: (line: string) => void;
  /** Called with every progress the run reports (about once a second). */
  onProgress?: (progress: RunProgress) => void;
}

export type FollowOutcome =
  | { kind: 'completed'; report: RunReport }
  | { kind: 'failed'; message: string }
  | { kind: 'awaiting-approval'; progress: RunProgress }
  | { kind: 'still-running'; unreachableSince: Date; lastError: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether an error means Temporal could not be reached (rather than an answer from it). */
export function isTemporalUnreachable(error: unknown): boolean {
  if (error instanceof ServiceError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  // gRPC UNAVAILABLE, DEADLINE_EXCEEDED, and connection errors from the transport.
  return code === 14 || code === 4 || (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)$/.test(code));
}

/**
 * Follows a run to its real end: its report, its failure, or (unless told otherwise) the moment it
 * starts waiting for a deletion approval. A lost connection to Temporal is retried with backoff,
 * saying since when it is unreachable, for `reconnectForMs`; then the run counts as still running.
 */
export async function followRun(handle: WorkflowHandle, options: FollowRunOptions): Promise<FollowOutcome> {
  const reconnectFor = options.reconnectForMs ?? DEFAULT_RECONNECT_FOR_MS;
  const stopAtApproval = options.stopAtApproval ?? true;
  let unreachableSince: Date | undefined;
  let delay = 500;

  let approval: ((p: RunProgress) => void) | undefined;
  const waitingForApproval = new Promise<RunProgress>((resolve) => (approval = resolve));
  const reachable = () => {
    if (!unreachableSince) return;
    options.say(`  Temporal is reachable again (after ${Math.round((Date.now() - unreachableSince.getTime()) / 1000)} s)`);
    unreachableSince = undefined;
    delay = 500;
  };
  // One progress query at a time: a slow one is never left running (and retrying) after the follow ends.
  let polling: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (polling) return;
    polling = handle
      .query<RunProgress>('progress')
      .then((p) => {
        reachable();
        options.onProgress?.(p);
        if (stopAtApproval && p.phase === 'awaiting-deletion-approval') approval?.(p);
      })
      .catch(() => undefined)
      .finally(() => (polling = undefined));
  }, 1000);

  try {
    for (;;) {
      const result = handle.result() as Promise<RunReport>;
      result.catch(() => undefined);
      try {
        const first = await Promise.race([
          result.then((report) => ({ kind: 'completed' as const, report })),
          waitingForApproval.then((progress) => ({ kind: 'awaiting-approval' as const, progress })),
        ]);
        reachable();
        return first;
      } catch (error) {
        if (error instanceof WorkflowFailedError) return { kind: 'failed', message: rootCauseMessage(error) };
        if (!isTemporalUnreachable(error) && !(error instanceof WorkflowNotFoundError && unreachableSince)) throw error;
        const message = (error as Error).message;
        if (!unreachableSince) {
          unreachableSince = new Date();
          options.say(
            `  Temporal is unreachable since ${unreachableSince.toISOString()} (${message}); ` +
              `retrying for up to ${Math.round(reconnectFor / 1000)} s — the run itself goes on`,
          );
        }
        if (Date.now() - unreachableSince.getTime() >= reconnectFor) return { kind: 'still-running', unreachableSince, lastError: message };
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
      }
    }
  } finally {
    clearInterval(timer);
    await polling;
  }
}
