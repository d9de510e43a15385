import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { recomputeParentFlags } from './parent-links.js';
import { assertStagingKept } from './staging-sentinels.js';

/** What a run found about its source's customers: see {@link findMissingCustomers}. */
export interface MissingCount {
  candidates: number;
  sourceCustomers: number;
}

/**
 * Clears the missing (or soft-deleted) state of customers the run's source step supplied
 * again, with a `restored` change-log entry; their data is left as the merge made it.
 * Returns how many the run restored in all (idempotent: counted from the change log).
 */
export async function restoreReappeared(db: Kysely<Database>, runId: string, connector: string): Promise<number> {
  await db.transaction().execute(async (trx) => {
    // From the few absent customers (a partial index) to the run's staged ones: never the other way round.
    const restored = await sql<{ id: string; missing_run_id: string | null; deleted_at: Date | null }>`
      with absent as materialized (
        select id, source_id from customers
        where source_connector = ${connector} and (missing_since is not null or deleted_at is not null))
      update customers c set missing_since = null, missing_run_id = null, deleted_at = null, deleted_reason = null, deleted_run_id = null
      from absent a
      where c.id = a.id
        and (exists (select 1 from staging_records s where s.run_id = ${runId} and s.step_index = 0 and s.external_id = a.source_id)
          or a.source_id in (select unnest(p.external_ids) from unchanged_pages p where p.run_id = ${runId} and p.step_index = 0))
      returning c.id, c.missing_run_id, c.deleted_at`.execute(trx);
    if (restored.rows.length > 0) {
      await sql`insert into change_log (run_id, customer_id, change, diff)
        select ${runId}, id, 'restored', '[]'::jsonb from unnest(${restored.rows.map((r) => r.id)}::uuid[]) as id
        on conflict do nothing`.execute(trx);
      await recomputeParentFlags(trx, restored.rows.map((r) => r.id));
    }
    await trx.updateTable('sync_runs').set({ restored: await countChanges(trx, runId, 'restored') }).where('id', '=', runId).execute();
  });
  return countChanges(db, runId, 'restored');
}

/**
 * Records, once per run, the customers of the source connector that its full snapshot
 * lacks: not staged, not rejected (a rejected row never makes a customer missing), not
 * already missing or deleted. Returns the stored counts on a second call.
 */
export async function findMissingCustomers(db: Kysely<Database>, runId: string, connector: string): Promise<MissingCount> {
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .selectFrom('sync_runs')
      .select(['deletion_status', 'missing_candidates', 'source_customers'])
      .where('id', '=', runId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (run.deletion_status) return { candidates: run.missing_candidates, sourceCustomers: run.source_customers };
    await trx.deleteFrom('sync_run_missing').where('run_id', '=', runId).execute();
    await sql`insert into sync_run_missing (run_id, customer_id)
      select ${runId}, c.id from customers c
      where c.source_connector = ${connector} and c.deleted_at is null and c.missing_since is null and c.merged_into is null
        and not exists (select 1 from staged_customers s where s.run_id = ${runId} and s.step_index = 0 and s.external_id = c.source_id)
        and not exists (select 1 from rejected_records r where r.run_id = ${runId} and r.external_id = c.source_id)`.execute(trx);
    await assertStagingKept(trx, runId);
    const counts = await sql<MissingCount>`select
        (select count(*) from sync_run_missing where run_id = ${runId})::int as "candidates",
        (select count(*) from customers where source_connector = ${connector} and deleted_at is null and merged_into is null)::int as "sourceCustomers"`.execute(
      trx,
    );
    const found = counts.rows[0]!;
    await trx
      .updateTable('sync_runs')
      .set({
        missing_candidates: found.candidates,
        source_customers: found.sourceCustomers,
        deletion_status: found.candidates === 0 ? 'nothing-missing' : 'found',
      })
      .where('id', '=', runId)
      .execute();
    return found;
  });
}

/** Records what became of a run's missing customers (`awaiting-approval`, `rejected`, `timed-out`, …). */
export async function setDeletionStatus(db: Kysely<Database>, runId: string, status: string): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set({ deletion_status: status, deletion_status_at: sql`case when deletion_status is distinct from ${status} then now() else deletion_status_at end` })
    .where('id', '=', runId)
    .execute();
}

/**
 * Marks the run's missing customers (those still present, not missing already) with the
 * time and the run, a `missing` change-log entry each. Returns how many this run marked.
 */
export async function markMissing(db: Kysely<Database>, runId: string, status: string): Promise<number> {
  await db.transaction().execute(async (trx) => {
    const marked = await sql<{ id: string }>`update customers c set missing_since = now(), missing_run_id = ${runId}
      from sync_run_missing m
      where m.run_id = ${runId} and m.customer_id = c.id and c.missing_since is null and c.deleted_at is null
      returning c.id`.execute(trx);
    if (marked.rows.length > 0) {
      // Marks an operator approved name who approved them.
      await sql`insert into change_log (run_id, customer_id, change, diff, actor)
        select ${runId}, id, 'missing', '[]'::jsonb, (select deletion_decided_by from sync_runs where id = ${runId})
        from unnest(${marked.rows.map((r) => r.id)}::uuid[]) as id
        on conflict do nothing`.execute(trx);
    }
    const total = await countChanges(trx, runId, 'missing');
    await trx.updateTable('sync_runs').set({ marked_missing: total, deletion_status: status }).where('id', '=', runId).execute();
  });
  return countChanges(db, runId, 'missing');
}

/** Customers a run marked missing that still are (not restored, not deleted): what its grace period decides on. */
export async function stillMissing(
  db: Kysely<Database>,
  markRunId: string,
): Promise<{ id: string; source_connector: string; source_id: string }[]> {
  return db
    .selectFrom('customers')
    .select(['id', 'source_connector', 'source_id'])
    .where('missing_run_id', '=', markRunId)
    .where('missing_since', 'is not', null)
    .where('deleted_at', 'is', null)
    .execute();
}

/** Soft-deletes the given customers still missing since `markRunId`, logged under `changeRunId`. */
export async function softDelete(
  db: Kysely<Database>,
  ids: string[],
  markRunId: string,
  changeRunId: string,
  reason: string,
): Promise<number> {
  if (ids.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    const deleted = await sql<{ id: string }>`update customers set deleted_at = now(), deleted_reason = ${reason}, deleted_run_id = ${markRunId}
      where id = any(${ids}::uuid[]) and missing_run_id = ${markRunId} and missing_since is not null and deleted_at is null
      returning id`.execute(trx);
    if (deleted.rows.length > 0) {
      await sql`insert into change_log (run_id, customer_id, change, diff)
        select ${changeRunId}, id, 'deleted', ${JSON.stringify([{ reason }])}::jsonb from unnest(${deleted.rows.map((r) => r.id)}::uuid[]) as id
        on conflict do nothing`.execute(trx);
      // A parent whose last sub-department is gone is no parent company any more.
      await recomputeParentFlags(trx, deleted.rows.map((r) => r.id));
    }
    return deleted.rows.length;
  });
}

/** Removes customers soft-deleted by `markRunId`'s grace period (their items cascade), logged under `changeRunId`. */
export async function purgeDeleted(db: Kysely<Database>, markRunId: string, changeRunId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const purged = await sql<{ id: string }>`delete from customers
      where deleted_run_id = ${markRunId} and deleted_at is not null returning id`.execute(trx);
    if (purged.rows.length > 0) {
      await sql`insert into change_log (run_id, customer_id, change, diff)
        select ${changeRunId}, id, 'purged', '[]'::jsonb from unnest(${purged.rows.map((r) => r.id)}::uuid[]) as id
        on conflict do nothing`.execute(trx);
    }
    return purged.rows.length;
  });
}

/** The customers a run would mark missing (waiting for approval), with their source ids. */
export async function missingCandidates(
  db: Kysely<Database>,
  runId: string,
  limit: number,
): Promise<{ id: string; source_id: string; name: string | null }[]> {
  const rows = await sql<{ id: string; source_id: string; name: string | null }>`select c.id, c.source_id,
      coalesce(c.company_name, nullif(concat_ws(' ', c.first_name, c.last_name), ''), c.display_name) as name
    from sync_run_missing m join customers c on c.id = m.customer_id
    where m.run_id = ${runId} order by c.source_id limit ${limit}`.execute(db);
  return rows.rows;
}

async function countChanges(db: Kysely<Database>, runId: string, change: string): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from change_log where run_id = ${runId} and change = ${change}`.execute(
    db,
  );
  return row.rows[0]!.n;
}
