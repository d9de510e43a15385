import { sql, type Kysely } from 'kysely';
import type { NotificationEvent, NotificationMessage } from '../../domain/notification-event.js';
import type { Database } from '../database.js';

/** A message to queue for one target. */
export interface QueuedNotification {
  target: string;
  dedupeKey: string;
  event: NotificationEvent;
  message: NotificationMessage;
  /** Not before this time (a reminder); default now. */
  notBefore?: Date;
}

/** Queues messages; one already queued under the same target and key is left as it is. Returns how many were new. */
export async function queueNotifications(db: Kysely<Database>, queued: readonly QueuedNotification[]): Promise<number> {
  if (queued.length === 0) return 0;
  const inserted = await db
    .insertInto('notification_outbox')
    .values(
      queued.map((q) => ({
        target: q.target,
        event: q.event.type,
        dedupe_key: q.dedupeKey,
        details: JSON.stringify(q.event),
        text: q.message.text,
        link: q.message.link,
        ...(q.notBefore ? { next_attempt_at: q.notBefore } : {}),
      })),
    )
    .onConflict((oc) => oc.constraint('notification_outbox_target_dedupe_key').doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

/** A queued message whose time has come. */
export interface DueNotification {
  id: string;
  target: string;
  event: NotificationEvent;
  text: string;
  link: string;
  attempts: number;
  createdAt: Date;
}

/** Up to `limit` messages due now, oldest first. */
export async function dueNotifications(db: Kysely<Database>, limit: number): Promise<DueNotification[]> {
  const rows = await db
    .selectFrom('notification_outbox')
    .select(['id', 'target', 'details', 'text', 'link', 'attempts', 'created_at'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', sql<Date>`now()`)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: String(r.id), target: r.target, event: r.details, text: r.text, link: r.link, attempts: r.attempts, createdAt: r.created_at }));
}

/** How a delivery attempt ended. */
export type DeliveryOutcome = { kind: 'sent' } | { kind: 'skipped'; reason: string } | { kind: 'retry'; error: string; afterMs: number } | { kind: 'failed'; error: string };

/** Records an attempt's outcome (only for a message still pending: settling twice changes nothing). */
export async function settleNotification(db: Kysely<Database>, id: string, outcome: DeliveryOutcome): Promise<void> {
  const update = db.updateTable('notification_outbox').where('id', '=', id).where('status', '=', 'pending');
  if (outcome.kind === 'sent') await update.set({ status: 'sent', sent_at: new Date(), attempts: sql`attempts + 1` }).execute();
  else if (outcome.kind === 'skipped') await update.set({ status: 'skipped', last_error: outcome.reason, last_error_at: sql<Date>`now()` }).execute();
  else if (outcome.kind === 'failed') await update.set({ status: 'failed', last_error: outcome.error, last_error_at: sql<Date>`now()`, attempts: sql`attempts + 1` }).execute();
  else {
    await update
      .set({ last_error: outcome.error, last_error_at: sql<Date>`now()`, attempts: sql`attempts + 1`, next_attempt_at: sql`now() + ${`${outcome.afterMs} milliseconds`}::interval` })
      .execute();
  }
}

/** Milliseconds until the next pending message is due, if any. */
export async function nextNotificationInMs(db: Kysely<Database>): Promise<number | undefined> {
  const row = await db
    .selectFrom('notification_outbox')
    .select(sql<number>`greatest(0, extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8`.as('ms'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.ms === null || row?.ms === undefined ? undefined : Number(row.ms);
}

/** Messages per target and status, and each target's latest error. */
export interface NotificationTargetStatus {
  target: string;
  pending: number;
  sent: number;
  failed: number;
  retrying: number;
  lastError: string | null;
  lastErrorAt: Date | null;
}

export async function notificationStatus(db: Kysely<Database>): Promise<NotificationTargetStatus[]> {
  const { rows } = await sql<NotificationTargetStatus>`
    select target,
      count(*) filter (where status = 'pending')::int as pending,
      count(*) filter (where status = 'sent')::int as sent,
      count(*) filter (where status = 'failed')::int as failed,
      count(*) filter (where status = 'pending' and attempts > 0)::int as "retrying",
      (array_agg(last_error order by coalesce(last_error_at, next_attempt_at) desc) filter (where last_error is not null and status in ('pending', 'failed')))[1] as "lastError",
      max(coalesce(last_error_at, next_attempt_at)) filter (where last_error is not null and status in ('pending', 'failed')) as "lastErrorAt"
    from notification_outbox group by target order by target`.execute(db);
  return rows;
}
