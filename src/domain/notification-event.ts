/** What custsync tells people about, by type (the config's `notifications.events` keys). */
export const NOTIFICATION_EVENTS = ['run-failed', 'deletion-approval-waiting', 'deletion-approval-reminder', 'customers-held', 'duplicates-found', 'pushes-failing', 'schedule-failing'] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENTS)[number];

/** Something that happened which a person should know about, with what the message says. */
export type NotificationEvent =
  | { type: 'run-failed'; flow: string; runId: string; trigger: string; error: string }
  | { type: 'deletion-approval-waiting' | 'deletion-approval-reminder'; flow: string; runId: string; wouldMarkMissing: number; sourceCustomers: number; decideBy: string }
  | { type: 'customers-held'; flow: string; runId: string; held: number }
  | { type: 'duplicates-found'; flow: string; runId: string; candidates: number; strong: number }
  | { type: 'pushes-failing'; target: string; failed: number; lastError: string }
  | { type: 'schedule-failing'; flow: string; failedRuns: number; runIds: string[] };

/** A message as it is sent: one line of text and the console page that resolves it. */
export interface NotificationMessage {
  text: string;
  link: string;
}
