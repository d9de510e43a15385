import type { Kysely } from 'kysely';
import type { OrderEvent } from '../../domain/order-event.js';
import type { Database } from '../database.js';

/**
 * Records the events as handled by `runId` and returns those that are new to it: events
 * another run handled are left out. Idempotent: claiming again for the same run returns
 * the same events.
 */
export async function claimOrderEvents(
  db: Kysely<Database>,
  events: readonly OrderEvent[],
  customer: { connector: string; externalId: string },
  runId: string,
): Promise<OrderEvent[]> {
  if (events.length === 0) return [];
  await db
    .insertInto('order_events')
    .values(
      events.map((e) => ({
        event_id: e.eventId,
        connector: customer.connector,
        external_id: customer.externalId,
        via: e.via,
        run_id: runId,
        received_at: e.receivedAt,
      })),
    )
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
  const mine = await db
    .selectFrom('order_events')
    .select('event_id')
    .where('event_id', 'in', events.map((e) => e.eventId))
    .where('run_id', '=', runId)
    .execute();
  const claimed = new Set(mine.map((m) => m.event_id));
  return events.filter((e) => claimed.has(e.eventId));
}

/** The run that handled an event, if any. */
export async function orderEventRun(db: Kysely<Database>, eventId: string): Promise<string | undefined> {
  const row = await db.selectFrom('order_events').select('run_id').where('event_id', '=', eventId).executeTakeFirst();
  return row?.run_id;
}
