import type { Client } from '@temporalio/client';
import type { PushSettings } from '../config/config-schema.js';
import { NOTIFICATION_QUEUED_SIGNAL, notificationWorkflowId } from '../domain/notification-queue.js';
import { PUSH_QUEUED_SIGNAL, pushWorkflowId, type PushWake } from '../domain/push-target.js';
import type { notificationWorkflow } from '../workflows/notification-workflow.js';
import type { pushTargetWorkflow } from '../workflows/push-target-workflow.js';

/**
 * Wakes the push workflow of a target, starting it when it is not running (signal-with-start):
 * it pushes whatever is queued for the target.
 */
export async function wakePushTarget(client: Client, taskQueue: string, target: string, settings: PushSettings, wake: PushWake = {}): Promise<void> {
  await client.workflow.signalWithStart<typeof pushTargetWorkflow, [PushWake]>('pushTargetWorkflow', {
    workflowId: pushWorkflowId(target, taskQueue),
    taskQueue,
    args: [{ target, coalesceMs: settings.coalesce, idleMs: settings.idle, maxAttempts: settings.maxAttempts, concurrency: settings.concurrency }],
    signal: PUSH_QUEUED_SIGNAL,
    signalArgs: [wake],
    staticSummary: `pushes customers to ${target}`,
  });
}

/** Wakes (or starts) the workflow delivering queued notifications. */
export async function wakeNotifier(client: Client, taskQueue: string): Promise<void> {
  await client.workflow.signalWithStart<typeof notificationWorkflow>('notificationWorkflow', {
    workflowId: notificationWorkflowId(taskQueue),
    taskQueue,
    args: [{}],
    signal: NOTIFICATION_QUEUED_SIGNAL,
    signalArgs: [],
    staticSummary: 'delivers notifications',
  });
}
