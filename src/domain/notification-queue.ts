import { DEFAULT_TASK_QUEUE } from './task-queue.js';

/** Signal name: messages were queued for the notification workflow. */
export const NOTIFICATION_QUEUED_SIGNAL = 'notificationQueued';

/** The workflow delivering a deployment's notifications: `notifications` on the default task queue, `notifications/<task queue>` on another. */
export function notificationWorkflowId(taskQueue: string): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? 'notifications' : `notifications/${taskQueue}`;
}


/** The one input of `notificationWorkflow`. */
export interface NotificationWorkflowInput {
  /** How long the workflow waits for more once nothing is pending before it completes; default 1 minute. */
  idleMs?: number;
}
