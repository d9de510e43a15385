import { notificationStatus, recentNotifications, type NotificationTargetStatus } from '../db/repositories/notification-outbox.js';
import type { OperationDeps } from './operation-deps.js';

export type { NotificationTargetStatus };

/** Each notification target's messages by status and its latest error: a target that keeps failing shows here. */
export async function notificationTargets({ db }: Pick<OperationDeps, 'db'>): Promise<NotificationTargetStatus[]> {
  return notificationStatus(db);
}

/** The latest messages, newest first; default 50. */
export async function latestNotifications({ db }: Pick<OperationDeps, 'db'>, limit = 50): Promise<Awaited<ReturnType<typeof recentNotifications>>> {
  return recentNotifications(db, limit);
}
