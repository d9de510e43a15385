import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';

/** A console session as stored. */
export interface StoredConsoleSession {
  userName: string;
  passwordFingerprint: string;
  createdAt: Date;
  lastSeenAt: Date;
}

/** Stores a new session. */
export async function insertConsoleSession(db: Kysely<Database>, idHash: string, userName: string, passwordFingerprint: string): Promise<void> {
  await db.insertInto('console_sessions').values({ id_hash: idHash, user_name: userName, password_fingerprint: passwordFingerprint }).execute();
}

/** A session that has not ended, or undefined. */
export async function liveConsoleSession(db: Kysely<Database>, idHash: string): Promise<StoredConsoleSession | undefined> {
  const row = await db
    .selectFrom('console_sessions')
    .select(['user_name', 'password_fingerprint', 'created_at', 'last_seen_at'])
    .where('id_hash', '=', idHash)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return row ? { userName: row.user_name, passwordFingerprint: row.password_fingerprint, createdAt: row.created_at, lastSeenAt: row.last_seen_at } : undefined;
}

/** Notes that a session was used now. */
export async function touchConsoleSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.updateTable('console_sessions').set({ last_seen_at: sql<Date>`now()` }).where('id_hash', '=', idHash).where('ended_at', 'is', null).execute();
}

/** Ends one session. */
export async function endConsoleSession(db: Kysely<Database>, idHash: string, reason: string): Promise<void> {
  await db.updateTable('console_sessions').set({ ended_at: sql<Date>`now()`, ended_reason: reason }).where('id_hash', '=', idHash).where('ended_at', 'is', null).execute();
}

/** Ends every live session of a user; how many it ended. */
export async function endUserConsoleSessions(db: Kysely<Database>, userName: string, reason: string): Promise<number> {
  const ended = await db
    .updateTable('console_sessions')
    .set({ ended_at: sql<Date>`now()`, ended_reason: reason })
    .where('user_name', '=', userName)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(ended.numUpdatedRows);
}

/** Removes sessions that ended (or went idle) before `before`; how many. */
export async function forgetConsoleSessions(db: Kysely<Database>, before: Date): Promise<number> {
  const removed = await db
    .deleteFrom('console_sessions')
    .where((eb) => eb.or([eb('ended_at', '<', before), eb('last_seen_at', '<', before)]))
    .executeTakeFirst();
  return Number(removed.numDeletedRows);
}
