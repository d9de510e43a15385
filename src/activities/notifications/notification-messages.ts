import type { ConsoleLinks } from '../../domain/console-links.js';
import type { NotificationEvent, NotificationMessage } from '../../domain/notification-event.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What a message says about an event, and the console page (absolute) that resolves it. */
export function notificationMessage(event: NotificationEvent, links: ConsoleLinks): NotificationMessage {
  switch (event.type) {
    case 'run-failed':
      return { text: `Run ${event.runId} of flow ${event.flow} (${event.trigger}) failed: ${event.error}`, link: links.absolute(links.run(event.runId)) };
    case 'deletion-approval-waiting':
      return {
        text: `Run ${event.runId} of flow ${event.flow} waits for approval to mark ${plural(event.wouldMarkMissing, 'customer')} of ${event.sourceCustomers} missing; without a decision by ${event.decideBy} none are marked.`,
        link: links.absolute(links.deletions(event.runId)),
      };
    case 'deletion-approval-reminder':
      return {
        text: `Reminder: run ${event.runId} of flow ${event.flow} still waits for approval to mark ${plural(event.wouldMarkMissing, 'customer')} missing; decide before ${event.decideBy}.`,
        link: links.absolute(links.deletions(event.runId)),
      };
    case 'customers-held':
      return {
        text: `${plural(event.held, 'new customer')} from run ${event.runId} of flow ${event.flow} ${event.held === 1 ? 'waits' : 'wait'} for review.`,
        link: links.absolute(links.review(event.flow)),
      };
    case 'duplicates-found':
      return {
        text: `Run ${event.runId} of flow ${event.flow} found ${plural(event.candidates, 'possible duplicate pair')} (${event.strong} strong) to merge or keep apart.`,
        link: links.absolute(links.duplicates({ run: event.runId })),
      };
    case 'pushes-failing':
      return { text: `${plural(event.failed, 'push', 'pushes')} to ${event.target} failed: ${event.lastError}`, link: links.absolute(links.pushes(event.target)) };
    case 'schedule-failing':
      return {
        text: `The last ${event.failedRuns} scheduled runs of flow ${event.flow} failed (latest: ${event.runIds.at(-1) ?? '?'}).`,
        link: links.absolute(links.runs({ flow: event.flow, status: 'failed' })),
      };
  }
}

/** The key under which an event is queued once per target. */
export function dedupeKeyOf(event: NotificationEvent, now = new Date()): string {
  switch (event.type) {
    case 'pushes-failing':
      // At most one message an hour per target.
      return `pushes-failing/${event.target}/${now.toISOString().slice(0, 13)}`;
    case 'schedule-failing':
      return `schedule-failing/${event.flow}/${event.runIds[0] ?? ''}`;
    default:
      return `${event.type}/${event.runId}`;
  }
}
