import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must never import the application's Database types.

/**
 * Console sessions kept on the server: the cookie carries only a random id (stored here as
 * its SHA-256), so signing out, a changed password or an admin ending a user's sessions ends
 * them at once, and a copy of an old cookie is refused.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('console_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('password_fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ended_reason', 'text')
    .execute();
  await db.schema.createIndex('console_sessions_user_idx').on('console_sessions').columns(['user_name', 'ended_at']).execute();
}
