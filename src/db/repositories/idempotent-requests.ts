import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';

/** A stored answer to a request sent with an `Idempotency-Key`. */
export interface StoredAnswer {
  requestHash: string;
  /** Absent while the first request is still being answered. */
  answer?: { status: number; headers: Record<string, string>; body: unknown };
}

/**
 * Claims an idempotency key for a request: undefined when this request is the first (the
 * caller answers it, then stores the answer); otherwise what the first one stored. A first
 * request that fails gives its claim up; one sent beside it that found the claim and then
 * not the row claims the key again (a few times; then it is told the first is still answered).
 */
export async function claimIdempotencyKey(db: Kysely<Database>, token: string, key: string, requestHash: string): Promise<StoredAnswer | undefined> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const claimed = await db
      .insertInto('idempotent_requests')
      .values({ token, key, request_hash: requestHash })
      .onConflict((oc) => oc.columns(['token', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (claimed) return undefined;
    const row = await db.selectFrom('idempotent_requests').selectAll().where('token', '=', token).where('key', '=', key).executeTakeFirst();
    if (row) {
      return {
        requestHash: row.request_hash,
        ...(row.status !== null ? { answer: { status: row.status, headers: row.headers ?? {}, body: row.body } } : {}),
      };
    }
  }
  return { requestHash };
}

/** Stores the answer to a claimed key. */
export async function storeIdempotentAnswer(
  db: Kysely<Database>,
  token: string,
  key: string,
  answer: { status: number; headers: Record<string, string>; body: unknown },
): Promise<void> {
  await db
    .updateTable('idempotent_requests')
    .set({ status: answer.status, headers: JSON.stringify(answer.headers), body: JSON.stringify(answer.body ?? null) })
    .where('token', '=', token)
    .where('key', '=', key)
    .execute();
}

/** Gives a claimed key up (the request failed before it changed anything): it can be sent again. */
export async function releaseIdempotencyKey(db: Kysely<Database>, token: string, key: string): Promise<void> {
  await db.deleteFrom('idempotent_requests').where('token', '=', token).where('key', '=', key).where('status', 'is', null).execute();
}

/** Forgets answers older than `days` days; the number forgotten. */
export async function forgetIdempotentAnswers(db: Kysely<Database>, days: number): Promise<number> {
  const result = await sql`delete from idempotent_requests where created_at < now() - make_interval(days => ${days})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
