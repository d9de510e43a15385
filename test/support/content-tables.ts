import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/connect.js';
import { CUSTOMER_TABLES } from './db-state.js';

/** Columns that name a run, a moment or an internal id: equal content differs in them between two databases. */
const RUN_SPECIFIC = new Set([
  'id',
  'customer_id',
  'run_id',
  'created_run_id',
  'updated_run_id',
  'created_at',
  'updated_at',
  'merged',
  'content_hash',
  'input_hash',
  'parent_customer_id',
]);

/** Columns saying when, or in which run, something happened to a customer: compared as set or not. */
const MOMENTS = new Set(['missing_since', 'missing_run_id', 'deleted_at', 'deleted_run_id']);

/**
 * Every customer table's rows keyed by the customer's source id instead of its internal
 * id, without run ids and timestamps: what two syncs of the same data must agree on.
 */
export async function customerContent(db: DatabaseHandle): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of CUSTOMER_TABLES) {
    const key = table === 'customers' ? 't.id' : 't.customer_id';
    const rows = await sql<Record<string, unknown>>`select c.source_id as customer, t.* from ${sql.table(table)} t
      join customers c on c.id = ${sql.ref(key)}`.execute(db.db);
    out[table] = rows.rows
      .map((r) =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(r)
              .filter(([k]) => !RUN_SPECIFIC.has(k))
              // When (and in which run) a customer went missing or was deleted differs; whether it did must not.
              .map(([k, v]) => (MOMENTS.has(k) ? [k, v === null ? null : 'set'] : [k, v])),
          ),
        ),
      )
      .sort();
  }
  return out;
}
