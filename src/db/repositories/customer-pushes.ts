import { sql, type Kysely, type Selectable } from 'kysely';
import type { CustomerPushesTable, Database } from '../database.js';
import { MAX_MERGE_HOPS } from './customers.js';

/** A push to make: the customer, and the version of its queued change. */
export interface DuePush {
  customer_id: string;
  version: number;
  attempts: number;
}

/**
 * Queues pushes of customers to a target; a customer merged into another queues the customer
 * it is now (its survivor, or the survivor's if that was merged again). A customer already
 * waiting keeps one row: its changes coalesce into one push of its latest state. Returns how
 * many were queued.
 */
export async function queuePushes(db: Kysely<Database>, target: string, customerIds: readonly string[], runId: string): Promise<number> {
  if (customerIds.length === 0) return 0;
  const result = await sql`with recursive merges (start, id, merged_into, hops) as (
        select c.id, c.id, c.merged_into, 0 from unnest(${customerIds}::uuid[]) as ids(id) join customers c on c.id = ids.id
        union all
        select m.start, c.id, c.merged_into, m.hops + 1 from merges m join customers c on c.id = m.merged_into
        where m.hops < ${MAX_MERGE_HOPS}
      ), survivors (id) as (select distinct on (start) id from merges order by start, hops desc)
    insert into customer_pushes (target, customer_id, status, queued_run_id)
      select distinct ${target}, id, 'pending', ${runId}::text from survivors
    on conflict (target, customer_id) do update set
      status = 'pending', version = customer_pushes.version + 1, queued_run_id = excluded.queued_run_id,
      queued_at = now(), attempts = 0, next_attempt_at = now(), last_error = null`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** How many pushes are pending (to every target). */
export async function pendingPushCount(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('customer_pushes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Pending pushes due now, oldest change first, customers without a parent before those with one. */
export async function duePushes(db: Kysely<Database>, target: string, limit: number): Promise<DuePush[]> {
  return db
    .selectFrom('customer_pushes as p')
    .innerJoin('customers as c', 'c.id', 'p.customer_id')
    .select(['p.customer_id', 'p.version', 'p.attempts'])
    .where('p.target', '=', target)
    .where('p.status', '=', 'pending')
    .where('p.next_attempt_at', '<=', sql<Date>`now()`)
    .orderBy('p.queued_at')
    .orderBy(sql`c.parent_customer_id is not null`)
    .orderBy('p.customer_id')
    .limit(limit)
    .execute();
}

/** How a push ended. */
export type PushOutcome =
  | { kind: 'pushed'; externalId: string; action: 'created' | 'updated' }
  | { kind: 'retry'; afterMs: number; error: string }
  | { kind: 'failed'; error: string }
  | { kind: 'skipped'; reason: string };

/** A push and how it ended. */
export interface SettledPush {
  due: DuePush;
  outcome: PushOutcome;
}

/**
 * Records pushes' outcomes, in one transaction of at most six statements however many
 * there are. A customer changed again while it was pushed (its version moved on) stays
 * pending for another push. A created customer's id in the target is stored as its
 * external id there; an id that is another customer's there is not stored, and that push
 * fails saying so.
 */
export async function settlePushes(db: Kysely<Database>, target: string, settled: readonly SettledPush[], runId: string): Promise<void> {
  if (settled.length === 0) return;
  const of = <K extends PushOutcome['kind']>(kind: K) =>
    settled.filter((s): s is { due: DuePush; outcome: Extract<PushOutcome, { kind: K }> } => s.outcome.kind === kind);
  await db.transaction().execute(async (trx) => {
    const pushed = of('pushed');
    let stored = pushed;
    if (pushed.length > 0) {
      const externalIds = pushed.map((p) => p.outcome.externalId);
      await sql`insert into external_ids (connector, external_id, customer_id, run_id)
          select ${target}, e.external_id, e.customer_id, ${runId}
          from unnest(${externalIds}::text[], ${pushed.map((p) => p.due.customer_id)}::uuid[]) as e(external_id, customer_id)
        on conflict (connector, external_id) do nothing`.execute(trx);
      const owners = await trx
        .selectFrom('external_ids')
        .select(['external_id', 'customer_id'])
        .where('connector', '=', target)
        .where('external_id', 'in', externalIds)
        .execute();
      const ownerOf = new Map(owners.map((o) => [o.external_id, o.customer_id]));
      const taken = pushed.filter((p) => ownerOf.get(p.outcome.externalId) !== p.due.customer_id);
      stored = pushed.filter((p) => ownerOf.get(p.outcome.externalId) === p.due.customer_id);
      if (taken.length > 0) {
        await sql`update customer_pushes p set status = 'failed', attempts = u.attempts, last_error = u.error
          from unnest(${taken.map((t) => t.due.customer_id)}::uuid[], ${taken.map((t) => t.due.attempts + 1)}::int[],
            ${taken.map((t) => `${target} answered with id ${t.outcome.externalId}, which is customer ${ownerOf.get(t.outcome.externalId)}'s id there: not stored`)}::text[])
            as u(customer_id, attempts, error)
          where p.target = ${target} and p.customer_id = u.customer_id`.execute(trx);
      }
    }
    if (stored.length > 0) {
      await sql`update customer_pushes p set
          status = case when p.version = u.version then 'pushed' else 'pending' end,
          attempts = 0, last_error = null, last_action = u.action, pushed_at = now(), pushes = p.pushes + 1
        from unnest(${stored.map((p) => p.due.customer_id)}::uuid[], ${stored.map((p) => p.due.version)}::int[], ${stored.map((p) => p.outcome.action)}::text[])
          as u(customer_id, version, action)
        where p.target = ${target} and p.customer_id = u.customer_id`.execute(trx);
    }
    const retries = of('retry');
    if (retries.length > 0) {
      await sql`update customer_pushes p set
          attempts = u.attempts, last_error = u.error, next_attempt_at = now() + u.after_ms * interval '1 millisecond'
        from unnest(${retries.map((r) => r.due.customer_id)}::uuid[], ${retries.map((r) => r.due.version)}::int[], ${retries.map((r) => r.due.attempts + 1)}::int[],
          ${retries.map((r) => r.outcome.error)}::text[], ${retries.map((r) => Math.ceil(r.outcome.afterMs))}::float8[])
          as u(customer_id, version, attempts, error, after_ms)
        where p.target = ${target} and p.customer_id = u.customer_id and p.version = u.version`.execute(trx);
    }
    const ended = [...of('failed').map((f) => ({ due: f.due, status: 'failed', error: f.outcome.error })), ...of('skipped').map((s) => ({ due: s.due, status: 'skipped', error: s.outcome.reason }))];
    if (ended.length > 0) {
      await sql`update customer_pushes p set
          status = u.status, attempts = case when u.status = 'failed' then u.attempts else p.attempts end, last_error = u.error
        from unnest(${ended.map((e) => e.due.customer_id)}::uuid[], ${ended.map((e) => e.due.version)}::int[], ${ended.map((e) => e.due.attempts + 1)}::int[],
          ${ended.map((e) => e.status)}::text[], ${ended.map((e) => e.error)}::text[])
          as u(customer_id, version, attempts, status, error)
        where p.target = ${target} and p.customer_id = u.customer_id and p.version = u.version`.execute(trx);
    }
  });
}

/**
 * Of the customers given, those whose parent or sub-departments the target already has:
 * pushed before these customers existed there, their relations could not name them.
 */
export async function relativesKnownTo(db: Kysely<Database>, target: string, customerIds: readonly string[]): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const rows = await sql<{ id: string }>`select r.id from (
        select parent_customer_id as id from customers where id = any(${customerIds}::uuid[]) and parent_customer_id is not null
        union
        select id from customers where parent_customer_id = any(${customerIds}::uuid[]) and deleted_at is null
      ) r
    where exists (select 1 from external_ids e where e.connector = ${target} and e.customer_id = r.id)`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Pending pushes due now, and when the next one that waits (backing off) is due. */
export async function pushBacklog(db: Kysely<Database>, target: string): Promise<{ due: number; nextInMs?: number }> {
  const row = await sql<{ due: number; next_in_ms: number | null }>`select
      count(*) filter (where next_attempt_at <= now())::int as due,
      (extract(epoch from min(next_attempt_at) filter (where next_attempt_at > now()) - now()) * 1000)::float8 as next_in_ms
    from customer_pushes where target = ${target} and status = 'pending'`.execute(db);
  const { due, next_in_ms } = row.rows[0]!;
  return { due, ...(next_in_ms !== null ? { nextInMs: Math.max(0, Math.ceil(next_in_ms)) } : {}) };
}

/** Failed pushes of a target (or all) back to pending; returns how many. */
export async function retryFailedPushes(db: Kysely<Database>, target?: string): Promise<number> {
  let query = db
    .updateTable('customer_pushes')
    .set({ status: 'pending', attempts: 0, next_attempt_at: sql`now()`, version: sql`version + 1` })
    .where('status', '=', 'failed');
  if (target) query = query.where('target', '=', target);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** One target's pushes by status. */
export interface PushSummary {
  target: string;
  pending: number;
  pushed: number;
  failed: number;
  skipped: number;
}

/** A customer's push that has not (yet) gone through. */
export interface PushProblem {
  target: string;
  customerId: string;
  sourceId: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  queuedRunId: string;
}

/** Pushes per target and status, and the pending and failed ones (first `limit`), failed first. */
export async function pushStatus(
  db: Kysely<Database>,
  options: { target?: string; limit?: number } = {},
): Promise<{ summary: PushSummary[]; problems: PushProblem[] }> {
  let counts = db
    .selectFrom('customer_pushes')
    .select(['target', 'status', sql<number>`count(*)::int`.as('n')])
    .groupBy(['target', 'status'])
    .orderBy('target');
  if (options.target) counts = counts.where('target', '=', options.target);
  const summary = new Map<string, PushSummary>();
  for (const row of await counts.execute()) {
    const s = summary.get(row.target) ?? { target: row.target, pending: 0, pushed: 0, failed: 0, skipped: 0 };
    s[row.status] = row.n;
    summary.set(row.target, s);
  }
  let open = db
    .selectFrom('customer_pushes as p')
    .innerJoin('customers as c', 'c.id', 'p.customer_id')
    .select(['p.target', 'p.customer_id', 'c.source_id', 'p.status', 'p.attempts', 'p.next_attempt_at', 'p.last_error', 'p.queued_run_id'])
    .where('p.status', 'in', ['pending', 'failed'])
    .orderBy(sql`p.status = 'failed'`, 'desc')
    .orderBy('p.queued_at')
    .limit(options.limit ?? 50);
  if (options.target) open = open.where('p.target', '=', options.target);
  const problems = (await open.execute()).map((r) => ({
    target: r.target,
    customerId: r.customer_id,
    sourceId: r.source_id,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    queuedRunId: r.queued_run_id,
  }));
  return { summary: [...summary.values()], problems };
}

/** Where one customer's pushes stand, per target. */
export async function customerPushStates(
  db: Kysely<Database>,
  customerId: string,
): Promise<Pick<Selectable<CustomerPushesTable>, 'target' | 'status' | 'attempts' | 'last_error' | 'last_action' | 'pushed_at' | 'queued_at' | 'queued_run_id'>[]> {
  return db
    .selectFrom('customer_pushes')
    .select(['target', 'status', 'attempts', 'last_error', 'last_action', 'pushed_at', 'queued_at', 'queued_run_id'])
    .where('customer_id', '=', customerId)
    .orderBy('target')
    .execute();
}
