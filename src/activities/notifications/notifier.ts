import type { Kysely } from 'kysely';
import type { NotificationSettings } from '../../config/notification-settings.js';
import type { Database } from '../../db/database.js';
import { queueNotifications, type QueuedNotification } from '../../db/repositories/notification-outbox.js';
import { heldCountOfRun } from '../../db/repositories/pending-customers.js';
import { latestFinishedRuns, runAwaitingApproval } from '../../db/repositories/sync-runs.js';
import type { ConsoleLinks } from '../../domain/console-links.js';
import type { NotificationEvent } from '../../domain/notification-event.js';
import type { RunReport } from '../../domain/run-types.js';
import { dedupeKeyOf, notificationMessage } from './notification-messages.js';

/** Tells whoever is on call what happened: queues messages for the configured targets. Never throws. */
export interface Notifier {
  /** A run completed (customers it held for review) or failed (and whether its schedule keeps failing). */
  runFinished(report: RunReport): Promise<void>;
  /** A run waits for approval of its deletions: a message now and a reminder before the timeout. */
  deletionsAwaitApproval(runId: string): Promise<void>;
  /** Pushes to a target were given up. */
  pushesFailed(target: string, failed: number, lastError: string): Promise<void>;
}

export interface NotifierDeps {
  db: Kysely<Database>;
  settings: NotificationSettings;
  links: ConsoleLinks;
  /** A flow's `approvalTimeout` in ms; undefined for a flow not configured. */
  approvalTimeoutMs(flow: string): number | undefined;
  /** Wakes (or starts) the workflow delivering queued messages. */
  wake(): Promise<void>;
  /** Where a message that could not be queued is reported. */
  warn(message: string): void;
}

/** A notifier over the outbox; every failure is logged, never passed to the sync that notifies. */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { db, settings } = deps;
  const wanted = (type: NotificationEvent['type']) => (settings.events[type] ?? []).length > 0;

  const queue = async (events: { event: NotificationEvent; notBefore?: Date }[]) => {
    const now = new Date();
    const rows: QueuedNotification[] = events.flatMap(({ event, notBefore }) =>
      (settings.events[event.type] ?? []).map((target) => ({
        target,
        dedupeKey: dedupeKeyOf(event, now),
        event,
        message: notificationMessage(event, deps.links),
        ...(notBefore ? { notBefore } : {}),
      })),
    );
    if ((await queueNotifications(db, rows)) > 0) await deps.wake();
  };
  const safely = (what: string, fn: () => Promise<void>) =>
    fn().catch((error: unknown) => deps.warn(`notification of ${what} not queued: ${(error as Error).message}`));

  return {
    runFinished: (report) =>
      safely(`run ${report.runId}`, async () => {
        const events: { event: NotificationEvent }[] = [];
        if (report.status === 'failed') {
          if (wanted('run-failed')) {
            events.push({ event: { type: 'run-failed', flow: report.flow, runId: report.runId, trigger: report.trigger, error: report.error ?? 'unknown error' } });
          }
          if (report.trigger === 'schedule' && wanted('schedule-failing')) {
            const n = settings.repeatedFailures;
            const latest = await latestFinishedRuns(db, { flow: report.flow, trigger: 'schedule', limit: n + 1 });
            // Once per streak: when exactly the last n scheduled runs failed.
            const streak = latest.slice(0, n);
            if (streak.length === n && streak.every((r) => r.status === 'failed') && latest[n]?.status !== 'failed') {
              events.push({ event: { type: 'schedule-failing', flow: report.flow, failedRuns: n, runIds: streak.map((r) => r.id).reverse() } });
            }
          }
        } else if (report.status === 'completed' && !report.dryRun) {
          const held = wanted('customers-held') ? await heldCountOfRun(db, report.runId) : 0;
          if (held > 0) events.push({ event: { type: 'customers-held', flow: report.flow, runId: report.runId, held } });
          const found = report.duplicates;
          if (found && found.candidates > found.merged && wanted('duplicates-found')) {
            events.push({ event: { type: 'duplicates-found', flow: report.flow, runId: report.runId, candidates: found.candidates - found.merged, strong: found.strong - found.merged } });
          }
        }
        await queue(events);
      }),
    deletionsAwaitApproval: (runId) =>
      safely(`run ${runId}'s deletions`, async () => {
        if (!wanted('deletion-approval-waiting') && !wanted('deletion-approval-reminder')) return;
        const run = await runAwaitingApproval(db, runId);
        const timeout = run ? deps.approvalTimeoutMs(run.flow) : undefined;
        if (!run || timeout === undefined) return;
        const decideBy = new Date((run.deletion_status_at ?? new Date()).getTime() + timeout);
        const details = { flow: run.flow, runId, wouldMarkMissing: run.missing_candidates, sourceCustomers: run.source_customers, decideBy: decideBy.toISOString() };
        const remindAt = decideBy.getTime() - settings.reminderBefore;
        await queue([
          { event: { type: 'deletion-approval-waiting', ...details } },
          // No reminder when the timeout is nearer than the reminder would be: the first message says it all.
          ...(remindAt > Date.now() ? [{ event: { type: 'deletion-approval-reminder' as const, ...details }, notBefore: new Date(remindAt) }] : []),
        ]);
      }),
    pushesFailed: (target, failed, lastError) =>
      safely(`failed pushes to ${target}`, async () => {
        if (failed > 0 && wanted('pushes-failing')) await queue([{ event: { type: 'pushes-failing', target, failed, lastError } }]);
      }),
  };
}
