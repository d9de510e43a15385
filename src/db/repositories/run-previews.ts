import type { Kysely, Transaction } from 'kysely';
import type { CustomerDiff } from '../../merge/index.js';
import type { Database } from '../database.js';
import { insertJsonRows } from '../json-rows.js';

export type PreviewRow = {
  run_id: string;
  customer_id: string;
  source_id: string;
  change: 'create' | 'update' | 'hold';
  diff: CustomerDiff[];
};

/** Records what a dry run's chunk would have written; a retried chunk records nothing twice. */
export async function insertPreviews(db: Kysely<Database> | Transaction<Database>, rows: PreviewRow[]): Promise<void> {
  await insertJsonRows(
    db,
    'sync_run_previews',
    { run_id: 'text', customer_id: 'uuid', source_id: 'text', change: 'text', diff: 'jsonb' },
    rows,
    'nothing',
  );
}

/** A dry run's previews, creations first, each group by source id. */
export async function loadPreviews(db: Kysely<Database>, runId: string): Promise<Omit<PreviewRow, 'run_id' | 'customer_id'>[]> {
  const rows = await db
    .selectFrom('sync_run_previews')
    .select(['source_id', 'change', 'diff'])
    .where('run_id', '=', runId)
    .orderBy('change')
    .orderBy('source_id')
    .execute();
  return rows.map((r) => ({ source_id: r.source_id, change: r.change, diff: r.diff }));
}
