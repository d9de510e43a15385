/** Signal name: messages were queued for the notification workflow. */
export const NOTIFICATION_QUEUED_SIGNAL = 'notificationQueued';

/** The one notification workflow. */
export const NOTIFICATION_WORKFLOW_ID = 'notifications';

/** The one input of `notificationWorkflow`. */
export interface NotificationWorkflowInput {
  /** How long the workflow waits for more once nothing is pending before it completes; default 1 minute. */
  idleMs?: number;
}
