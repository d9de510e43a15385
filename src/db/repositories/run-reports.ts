import { sql, type Kysely } from 'kysely';
import type { RejectedRecord } from '../../domain/customer-record.js';
import type { RunReport, RunTotals } from '../../domain/run-types.js';
import type { Database } from '../database.js';
import { rejectedRecordsOf } from './rejected-records.js';
import { loadInputReports } from './run-inputs.js';
import { withheldCustomersOf } from './staging-records.js';

/** A run's report as stored; used by the workflow's last step and by `custsync runs show`. */
export async function loadRunReport(db: Kysely<Database>, runId: string, rejectLimit: number): Promise<RunReport> {
  const run = await db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!run) throw new Error(`no run ${runId}`);
  const [steps, rejects, totals, inputs, afterGrace, withheld, duplicates] = await Promise.all([
    db.selectFrom('sync_run_steps').selectAll().where('run_id', '=', runId).orderBy('step_index').execute(),
    rejectLimit > 0 ? rejectedRecordsOf(db, runId, rejectLimit).next().then((first) => first.value ?? []) : [],
    runTotals(db, runId),
    loadInputReports(db, runId),
    sql<{ deleted: number; purged: number }>`select count(*) filter (where change = 'deleted')::int as deleted,
        count(*) filter (where change = 'purged')::int as purged
      from change_log where run_id = ${`${runId}/deletions`}`.execute(db),
    withheldCustomersOf(db, runId, Math.max(rejectLimit, 1)),
    db
      .selectFrom('duplicate_candidates')
      .select((eb) => [
        eb.fn.countAll<number>().as('candidates'),
        sql<number>`count(*) filter (where strength = 'strong')`.as('strong'),
        sql<number>`count(*) filter (where status = 'merged' and decided_by = ${`auto:${runId}`})`.as('merged'),
      ])
      .where('found_run_id', '=', runId)
      .executeTakeFirstOrThrow(),
  ]);
  const finished = run.finished_at ?? new Date();
  return {
    runId,
    flow: run.flow,
    status: run.status,
    dryRun: run.dry_run,
    trigger: run.trigger,
    mode: run.mode === 'delta' || run.mode === 'none' ? run.mode : 'full',
    steps: steps.map((s) => ({
      inputDetails: inputs.get(s.step_index) ?? [],
      role: s.role,
      connector: s.connector,
      inputs: s.inputs,
      read: s.read,
      staged: s.staged,
      matched: s.matched,
      unmatched: s.unmatched,
      rejected: s.rejected,
    })),
    totals,
    rejectedSample: rejects.map(
      (r): RejectedRecord => ({
        source: r.source,
        line: r.line,
        externalId: r.external_id ?? undefined,
        field: r.field ?? undefined,
        reason: r.reason,
      }),
    ),
    withheld,
    ...(Number(duplicates.candidates) > 0 ? { duplicates: { candidates: Number(duplicates.candidates), strong: Number(duplicates.strong), merged: Number(duplicates.merged) } } : {}),
    restored: run.restored,
    ...(run.deletion_status
      ? {
          deletion: {
            status: run.deletion_status,
            candidates: run.missing_candidates,
            sourceCustomers: run.source_customers,
            markedMissing: run.marked_missing,
            deletedAfterGrace: afterGrace.rows[0]!.deleted,
            purged: afterGrace.rows[0]!.purged,
            ...(run.deletion_decided_by ? { decidedBy: run.deletion_decided_by } : {}),
            ...(run.deletion_decided_at ? { decidedAt: run.deletion_decided_at.toISOString() } : {}),
          },
        }
      : {}),
    durationMs: new Date(finished).getTime() - new Date(run.started_at).getTime(),
    ...(run.error ? { error: run.error } : {}),
  };
}

/** A run's outcome counts so far: its committed chunks, the customers its plan set aside, its rejected records. */
export async function runTotals(db: Kysely<Database>, runId: string): Promise<RunTotals> {
  const sums = await sql<RunTotals & { held: number }>`
    select coalesce(sum(customers), 0)::int + ${plannedUnchanged(runId)} as customers, coalesce(sum(created), 0)::int as created,
           coalesce(sum(updated), 0)::int as updated, coalesce(sum(unchanged), 0)::int + ${plannedUnchanged(runId)} as unchanged,
           (select count(*) from rejected_records where run_id = ${runId})::int as rejected,
           coalesce(sum(held), 0)::int as held
    from sync_run_chunks where run_id = ${runId}`.execute(db);
  const { held, ...totals } = sums.rows[0]!;
  return held > 0 ? { ...totals, held } : totals;
}

/** Customers a run's merge plan found unchanged: counted, but in no chunk. */
export function plannedUnchanged(runId: string) {
  return sql<number>`coalesce((select unchanged from sync_run_plans where run_id = ${runId}), 0)`;
}
