import type { Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/** When a notification's last error happened (its next attempt's time is another thing). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notification_outbox').addColumn('last_error_at', 'timestamptz').execute();
}
