import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { rejectedRecordsOf } from '../../db/repositories/rejected-records.js';
import { CliError } from '../cli-error.js';

export const runsRejectsHelp = `Prints every record a run rejected, in file order: step, file (or customer), line,
customer code, what became of the customer ("not updated" or "not created": a customer with a
rejected row is left as it was by that input), field, reason and the raw row. CSV with a header row by default, for a
spreadsheet or the ERP team; --json for scripts. Redirect to a file:
  custsync runs rejects <run-id> > rejects.csv`;

const COLUMNS = ['step', 'source', 'line', 'customer_code', 'customer', 'field', 'reason', 'raw'] as const;

/** Writes a run's rejected records to stdout as CSV (or JSON lines of objects). */
export async function printRejects(db: Kysely<Database>, runId: string, options: { json?: boolean }): Promise<void> {
  const run = await db.selectFrom('sync_runs').select('id').where('id', '=', runId).executeTakeFirst();
  if (!run) throw new CliError(`no run "${runId}"; list runs with: custsync runs list`);
  if (!options.json) process.stdout.write(stringify([[...COLUMNS]]));
  const all: unknown[] = [];
  for await (const batch of rejectedRecordsOf(db, runId)) {
    const rows = batch.map((r) => [r.step_index + 1, r.source, r.line, r.external_id ?? '', r.customer_outcome, r.field ?? '', r.reason, r.raw ?? '']);
    if (options.json) all.push(...rows.map((row) => Object.fromEntries(COLUMNS.map((c, i) => [c, row[i]]))));
    else process.stdout.write(stringify(rows));
  }
  if (options.json) console.log(JSON.stringify(all, null, 2));
}
