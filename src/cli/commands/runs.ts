import type { Kysely } from 'kysely';
import { loadRunReport } from '../../db/repositories/run-reports.js';
import type { Database } from '../../db/database.js';
import { CliError } from '../cli-error.js';
import { formatReport, table } from '../format-report.js';

export const runsHelp = `list:  the latest runs, newest first (default 20).
show:  one run's report: per-step and per-input counts, outcome counts, deletions and
       rejected records (default first 50).
retry: a failed run again, under the same id, after fixing the cause.`;

export async function listRuns(db: Kysely<Database>, options: { flow?: string; limit?: number; json?: boolean }): Promise<void> {
  let query = db.selectFrom('sync_runs').selectAll().orderBy('started_at', 'desc').limit(options.limit ?? 20);
  if (options.flow) query = query.where('flow', '=', options.flow);
  const runs = await query.execute();
  if (options.json) {
    console.log(JSON.stringify(runs, null, 2));
    return;
  }
  if (runs.length === 0) {
    console.log('no runs yet');
    return;
  }
  const rows = runs.map((r) => [
    r.id,
    r.status,
    r.trigger,
    new Date(r.started_at).toISOString(),
    r.finished_at ? `${((new Date(r.finished_at).getTime() - new Date(r.started_at).getTime()) / 1000).toFixed(1)}s` : '-',
    String(r.created),
    String(r.updated),
    String(r.unchanged),
    String(r.rejected),
  ]);
  console.log(table([['run', 'status', 'trigger', 'started', 'took', 'created', 'updated', 'unchanged', 'rejected'], ...rows]).join('\n'));
}

export async function showRun(
  db: Kysely<Database>,
  runId: string,
  options: { rejected?: number; json?: boolean },
): Promise<void> {
  const exists = await db.selectFrom('sync_runs').select('id').where('id', '=', runId).executeTakeFirst();
  if (!exists) throw new CliError(`no run "${runId}"; list runs with: custsync runs list`);
  const report = await loadRunReport(db, runId, options.rejected ?? 50);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
}
