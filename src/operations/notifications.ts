import { notificationStatus, type NotificationTargetStatus } from '../db/repositories/notification-outbox.js';
import type { OperationDeps } from './operation-deps.js';

export type { NotificationTargetStatus };

/** Each notification target's messages by status and its latest error: a target that keeps failing shows here. */
export async function notificationTargets({ db }: Pick<OperationDeps, 'db'>): Promise<NotificationTargetStatus[]> {
  return notificationStatus(db);
}
