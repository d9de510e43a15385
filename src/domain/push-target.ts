import { DEFAULT_TASK_QUEUE } from './task-queue.js';

/** Signal name: customers were queued for the push workflow's target. */
export const PUSH_QUEUED_SIGNAL = 'pushQueued';

/** What a wake-up of a push workflow says about the customers just queued. */
export interface PushWake {
  /**
   * Gather further changes for `coalesceMs` before pushing, as for API writes that may soon
   * change the same customer again; default true. A run's changes are final: it wakes with false.
   */
  coalesce?: boolean;
}

/** The one input of `pushTargetWorkflow`. */
export interface PushTargetInput {
  target: string;
  /** How long changes are gathered after a wake-up before pushing, so quick successive changes coalesce; default 2 s. */
  coalesceMs?: number;
  /** How long the workflow waits for more after the queue is empty before it completes; default 1 minute. */
  idleMs?: number;
  /** Attempts of a transiently failing push before it is marked failed; default 8. */
  maxAttempts?: number;
  /** Pushes in flight at once; default 8 (the config's `push.concurrency`). */
  concurrency?: number;
}

/**
 * One workflow per push target and deployment: `push/<target>` on the default task queue, and
 * `push/<task queue>/<target>` on any other, so that two deployments sharing a namespace (staging
 * beside production) never push each other's customers.
 */
export function pushWorkflowId(target: string, taskQueue: string): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? `push/${target}` : `push/${taskQueue}/${target}`;
}
