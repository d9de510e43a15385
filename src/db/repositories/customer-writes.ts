import { sql, type Transaction } from 'kysely';
import type { MergedCustomer } from '../../merge/index.js';
import { CHILD_TABLES, CUSTOMER_COLUMNS, customerRow, type ChildTable } from '../customer-tables.js';
import type { CopyRows } from '../copy-rows.js';
import type { Database } from '../database.js';
import { insertJsonRows } from '../json-rows.js';
import { rowsJson } from '../json-text.js';
import type { CustomerRow } from './customers.js';
import { relinkParents } from './parent-links.js';

/** Everything one merged chunk writes, as rows; see `customerRow` and `CHILD_TABLES`. */
export interface CustomerWrites {
  /** `customers` rows of created and updated customers. */
  customers: Record<string, unknown>[];
  /** Customers that existed before: their child rows are replaced. */
  updatedIds: string[];
  /** Child-table rows of every written customer. */
  children: Map<ChildTable, Record<string, unknown>[]>;
  externalIds: { connector: string; external_id: string; customer_id: string; run_id: string }[];
  changes: { run_id: string; customer_id: string; change: 'created' | 'updated' | 'merged' | 'unmerged'; diff: unknown; actor?: string }[];
  /**
   * Per child table, the updated customers whose rows of it are replaced (`children` holds their
   * new rows): a table not named keeps every updated customer's rows. Set by {@link addCustomerUpdate};
   * default: every updated customer's rows of every table.
   */
  replacedRows?: Map<ChildTable, string[]>;
  /** Whether parent links are resolved again (a relation or a new customer); default true. */
  relink?: boolean;
  /** Return the written `customers` rows as stored (before parent links are resolved again); default false. */
  returnRows?: boolean;
}

/** The child tables whose rows differ between two states of one customer. */
export function changedChildTables(before: MergedCustomer, after: MergedCustomer): Set<ChildTable> {
  const changed = new Set<ChildTable>();
  for (const [table, spec] of Object.entries(CHILD_TABLES) as [ChildTable, (typeof CHILD_TABLES)[ChildTable]][]) {
    if (JSON.stringify(spec.rows(before)) !== JSON.stringify(spec.rows(after))) changed.add(table);
  }
  return changed;
}

export function emptyCustomerWrites(): CustomerWrites {
  return { customers: [], updatedIds: [], children: new Map(), externalIds: [], changes: [] };
}

/** Adds a merged customer's `customers` row and its child-table rows (of `tables`, default all) to `writes`. */
export function addCustomerWrite(writes: CustomerWrites, id: string, merged: MergedCustomer, meta: Parameters<typeof customerRow>[2], tables?: ReadonlySet<ChildTable>): void {
  writes.customers.push(customerRow(id, merged, meta));
  for (const [table, spec] of Object.entries(CHILD_TABLES) as [ChildTable, (typeof CHILD_TABLES)[ChildTable]][]) {
    if (tables && !tables.has(table)) continue;
    let list = writes.children.get(table);
    if (!list) writes.children.set(table, (list = []));
    for (const row of spec.rows(merged)) {
      // Made for this write alone: given its customer in place rather than copied.
      (row as Record<string, unknown>).customer_id = id;
      list.push(row);
    }
  }
}

/**
 * Adds a customer that exists as `before` (undefined: not known, every table is replaced): its
 * `customers` row, and its child rows only in the tables where they differ, which are replaced;
 * its rows of the other tables are kept. Returns the replaced tables.
 */
export function addCustomerUpdate(
  writes: CustomerWrites,
  id: string,
  before: MergedCustomer | undefined,
  after: MergedCustomer,
  meta: Parameters<typeof customerRow>[2],
): ReadonlySet<ChildTable> {
  const tables = before ? changedChildTables(before, after) : new Set(Object.keys(CHILD_TABLES) as ChildTable[]);
  writes.updatedIds.push(id);
  writes.replacedRows ??= new Map();
  for (const table of tables) {
    const ids = writes.replacedRows.get(table);
    if (ids) ids.push(id);
    else writes.replacedRows.set(table, [id]);
  }
  addCustomerWrite(writes, id, after, meta, tables);
  return tables;
}

/** The part of `writes` that writes one customer (its row, items, external ids and change-log entry). */
export function customerWritesFor(writes: CustomerWrites, id: string): CustomerWrites {
  return {
    ...writes,
    customers: writes.customers.filter((c) => c.id === id),
    updatedIds: writes.updatedIds.filter((u) => u === id),
    children: new Map([...writes.children].map(([table, rows]) => [table, rows.filter((r) => r.customer_id === id)])),
    externalIds: writes.externalIds.filter((e) => e.customer_id === id),
    changes: writes.changes.filter((c) => c.customer_id === id),
    ...(writes.replacedRows ? { replacedRows: new Map([...writes.replacedRows].map(([table, ids]) => [table, ids.filter((u) => u === id)])) } : {}),
  };
}

const IMMUTABLE_COLUMNS = ['id', 'source_connector', 'source_id', 'created_run_id'];
const EXTERNAL_ID_COLUMNS = { connector: 'text', external_id: 'text', customer_id: 'uuid', run_id: 'text', input_hash: 'text' };
const CHANGE_LOG_COLUMNS = { run_id: 'text', customer_id: 'uuid', change: 'text', diff: 'jsonb', actor: 'text' };

/**
 * Writes created and updated customers with all their items, their external ids,
 * parent links and change-log entries: a few set-based statements, never one per row.
 * Given `copy`, new customers' rows, external ids and change-log entries and every child row
 * are written with COPY: a new customer's id, source id or external id taken meanwhile fails
 * the transaction on the key (SQLSTATE 23505), and the caller writes again without `copy`.
 */
export async function writeCustomers(trx: Transaction<Database>, writes: CustomerWrites, copy?: CopyRows): Promise<CustomerRow[]> {
  const writtenIds = writes.customers.map((c) => c.id as string);
  let written: CustomerRow[] = [];
  let changesLogged = false;
  const updated = new Set(writes.updatedIds);
  const copied = copy && !writes.returnRows ? writes.customers.filter((c) => !updated.has(c.id as string)) : [];
  const upserted = copied.length > 0 ? writes.customers.filter((c) => updated.has(c.id as string)) : writes.customers;
  const copiedIds = new Set(copied.map((c) => c.id as string));
  const isCopied = (row: { customer_id: string }) => copiedIds.has(row.customer_id);
  const changes = copied.length > 0 ? writes.changes.filter((c) => !isCopied(c)) : writes.changes;
  // An external id of a customer written here is written with the customer's input hash (see the `external_ids` table).
  const inputHashes = new Map(writes.customers.map((c) => [c.id as string, (c.input_hash ?? null) as string | null]));
  const externalIds = writes.externalIds.map((e) => ({ ...e, input_hash: inputHashes.get(e.customer_id) ?? null }));
  if (copied.length > 0) {
    await copy!('customers', CUSTOMER_COLUMNS, copied);
    await copy!('external_ids', EXTERNAL_ID_COLUMNS, externalIds.filter(isCopied));
    await copy!('change_log', CHANGE_LOG_COLUMNS, writes.changes.filter(isCopied));
  }
  if (upserted.length > 0) {
    const columns = Object.keys(CUSTOMER_COLUMNS);
    const updates = columns
      .filter((c) => !IMMUTABLE_COLUMNS.includes(c))
      .map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`);
    const returning = writes.returnRows ? sql` returning *` : sql``;
    // Without parent links to resolve, the change log is written by the same statement (one round trip less).
    changesLogged = writes.relink === false;
    const logged = changesLogged && changes.length > 0
      ? sql`with logged as (insert into change_log (run_id, customer_id, change, diff, actor)
            select run_id, customer_id, change, diff, actor from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb)
            as l(run_id text, customer_id uuid, change text, diff jsonb, actor text) on conflict do nothing) `
      : sql``;
    written = (
      await sql<CustomerRow>`${logged}insert into customers (${sql.join(columns.map((c) => sql.id(c)))})
      select ${sql.join(columns.map((c) => sql.id(c)))} from jsonb_to_recordset(${rowsJson(upserted)}::jsonb)
      as x(${sql.join(columns.map((c) => sql`${sql.id(c)} ${sql.raw(CUSTOMER_COLUMNS[c]!)}`))})
      on conflict (id) do update set ${sql.join(updates)}, updated_at = now()${returning}`.execute(trx)
    ).rows;
  }
  const tables = Object.entries(CHILD_TABLES) as [ChildTable, (typeof CHILD_TABLES)[ChildTable]][];
  const replacedIn = (table: ChildTable): readonly string[] => (writes.replacedRows ? (writes.replacedRows.get(table) ?? []) : writes.updatedIds);
  if (writes.updatedIds.length === 1 && writes.customers.length === 1) {
    // One customer (an API write): one statement per changed table instead of a delete and an insert.
    for (const [table, spec] of tables) {
      if (replacedIn(table).length > 0) await replaceChildRows(trx, table, spec.columns, writes.updatedIds[0]!, writes.children.get(table) ?? []);
    }
  } else {
    for (const [table, spec] of tables) {
      const replaced = replacedIn(table);
      if (replaced.length > 0) await sql`delete from ${sql.table(table)} where customer_id = any(${replaced}::uuid[])`.execute(trx);
      const rows = writes.children.get(table) ?? [];
      if (copy) await copy(table, spec.columns, rows);
      else await insertJsonRows(trx, table, spec.columns, rows);
    }
  }
  await insertJsonRows(trx, 'external_ids', EXTERNAL_ID_COLUMNS, copied.length > 0 ? externalIds.filter((e) => !isCopied(e)) : externalIds, 'nothing');
  const runId = writes.changes[0]?.run_id;
  if (runId !== undefined && writes.relink !== false) await relinkParents(trx, writtenIds, runId);
  if (!changesLogged) await insertJsonRows(trx, 'change_log', CHANGE_LOG_COLUMNS, changes, 'nothing');
  return written;
}

/**
 * Replaces one customer's rows of a child table in one statement: rows whose key is no longer
 * there are deleted, the others inserted or updated in place (the two touch different rows).
 */
async function replaceChildRows(trx: Transaction<Database>, table: ChildTable, columns: Record<string, string>, customerId: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  const names = Object.keys(columns);
  const keyed = 'item_key' in columns;
  const keys = keyed ? ['customer_id', 'item_key'] : ['customer_id'];
  const list = sql.join(names.map((n) => sql.id(n)));
  const definition = sql.join(names.map((n) => sql`${sql.id(n)} ${sql.raw(columns[n]!)}`));
  const updates = sql.join(names.filter((n) => !keys.includes(n)).map((n) => sql`${sql.id(n)} = excluded.${sql.id(n)}`));
  const kept = keyed ? sql`item_key = any(${rows.map((r) => r.item_key as string)}::text[])` : sql`${rows.length > 0}`;
  await sql`with gone as (delete from ${sql.table(table)} where customer_id = ${customerId}::uuid and not (${kept}))
    insert into ${sql.table(table)} (${list})
    select ${list} from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${definition})
    on conflict (${sql.join(keys.map((k) => sql.id(k)))}) do update set ${updates}`.execute(trx);
}
