import { z } from 'zod';
import { durationSchema } from './duration.js';
import { NOTIFICATION_EVENTS } from '../domain/notification-event.js';

const targetName = z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, 'use lowercase letters, digits, - and _');

/** Where messages go. The URL is a secret: only the environment variable holding it is in the config. */
export const notificationTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({
    /** A generic JSON webhook: POSTs `{ event, text, link, details, at }`. */
    type: z.literal('webhook'),
    /** Environment variable holding the URL. */
    urlEnv: z.string().min(1),
  }),
  z.strictObject({
    /** A Slack-compatible incoming webhook: POSTs `{ text }` with the link in Slack's markup. */
    type: z.literal('slack'),
    /** Environment variable holding the incoming-webhook URL. */
    urlEnv: z.string().min(1),
  }),
]);

/** Notifications for whoever is on call. Without targets and events nothing is sent. */
export const notificationSettingsSchema = z.strictObject({
  /** Targets by name. */
  targets: z.record(targetName, notificationTargetSchema).default({}),
  /** Which events go to which targets, e.g. `run-failed: [oncall]`. Events not named are not sent. */
  events: z.partialRecord(z.enum(NOTIFICATION_EVENTS), z.array(targetName).min(1)).default({}),
  /** How long before a run's `approvalTimeout` the reminder of its waiting deletions is sent; default 1h. */
  reminderBefore: durationSchema.default(3_600_000),
  /** Consecutive failed scheduled runs of a flow that make a `schedule-failing` message; default 3. */
  repeatedFailures: z.number().int().min(2).max(100).default(3),
  /** Attempts to deliver a message before it is marked failed; default 10 (backing off up to 10 minutes). */
  maxAttempts: z.number().int().min(1).max(100).default(10),
});

export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** Events sent to targets that are not defined, on the raw config document. */
export function notificationTargetProblems(raw: unknown): { path: (string | number)[]; message: string }[] {
  const n = (raw as { notifications?: { targets?: unknown; events?: unknown } } | null)?.notifications;
  if (!n || typeof n !== 'object' || !n.events || typeof n.events !== 'object') return [];
  const defined = n.targets && typeof n.targets === 'object' ? Object.keys(n.targets) : [];
  return Object.entries(n.events as Record<string, unknown>).flatMap(([event, targets]) =>
    (Array.isArray(targets) ? targets : []).flatMap((target: unknown, i) =>
      typeof target === 'string' && !defined.includes(target)
        ? [{ path: ['notifications', 'events', event, i], message: `unknown notification target "${target}"; defined: ${defined.join(', ') || 'none'}` }]
        : [],
    ),
  );
}

/** The targets with their URLs read from the environment; throws naming every unset variable. */
export function resolveNotificationTargets(
  settings: NotificationSettings,
  env: NodeJS.ProcessEnv = process.env,
): Map<string, { type: 'webhook' | 'slack'; url: string }> {
  const problems: string[] = [];
  const targets = new Map<string, { type: 'webhook' | 'slack'; url: string }>();
  for (const [name, target] of Object.entries(settings.targets)) {
    const url = env[target.urlEnv];
    if (!url) problems.push(`notifications.targets.${name}.urlEnv: environment variable ${target.urlEnv} is not set; set it to the target's URL`);
    else if (!/^https?:\/\//.test(url)) problems.push(`notifications.targets.${name}.urlEnv: environment variable ${target.urlEnv} does not hold an http(s) URL`);
    else targets.set(name, { type: target.type, url });
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return targets;
}
