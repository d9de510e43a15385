import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { MergedCustomer, MergedItem } from '../../merge/index.js';
import { CliError } from '../cli-error.js';

export const customersHelp = `Prints a customer with every value's provenance: [connector · run] after each item.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function showCustomer(db: Kysely<Database>, ref: string, options: { json?: boolean }): Promise<void> {
  let id: string | undefined;
  if (UUID.test(ref)) {
    id = ref;
  } else {
    const colon = ref.indexOf(':');
    if (colon <= 0) throw new CliError(`"${ref}" is neither a customer id nor connector:external-id (e.g. erp:C1001)`);
    const row = await db
      .selectFrom('external_ids')
      .select('customer_id')
      .where('connector', '=', ref.slice(0, colon))
      .where('external_id', '=', ref.slice(colon + 1))
      .executeTakeFirst();
    id = row?.customer_id;
  }
  const customer = id ? await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!customer) throw new CliError(`no customer ${ref}`);
  const externalIds = await db
    .selectFrom('external_ids')
    .select(['connector', 'external_id'])
    .where('customer_id', '=', customer.id)
    .orderBy('connector')
    .execute();
  const lifecycle = await db
    .selectFrom('change_log')
    .select(['run_id', 'change', 'created_at'])
    .where('customer_id', '=', customer.id)
    .where('change', 'in', ['missing', 'restored', 'deleted'])
    .orderBy('id')
    .execute();
  const merged = customer.merged as MergedCustomer;
  if (options.json) {
    console.log(JSON.stringify({ ...customer, externalIds, lifecycle }, null, 2));
    return;
  }
  const out: string[] = [];
  out.push(`customer ${customer.id} (${customer.type})${customer.deleted_at ? ' DELETED' : ''}`);
  out.push(`  source: ${customer.source_connector}:${customer.source_id}`);
  out.push(`  external ids: ${externalIds.map((e) => `${e.connector}:${e.external_id}`).join(', ')}`);
  out.push(`  created by ${customer.created_run_id}, last updated by ${customer.updated_run_id}`);
  if (customer.deleted_at) {
    out.push(`  deleted ${new Date(customer.deleted_at).toISOString()}: ${customer.deleted_reason ?? ''}`);
  } else if (customer.missing_since) {
    out.push(
      `  MISSING since ${new Date(customer.missing_since).toISOString()} (run ${customer.missing_run_id ?? '?'}): ` +
        'deleted after the grace period unless its source supplies it again',
    );
  }
  for (const l of lifecycle) out.push(`  ${l.change} ${new Date(l.created_at).toISOString()} by ${l.run_id}`);
  if (merged.name) out.push(`  name: ${describe(merged.name.value)}  [${merged.name.provenance.connector} · ${merged.name.provenance.runId}]`);
  if (merged.relations) {
    out.push(`  relations: ${describe(merged.relations.value)}  [${merged.relations.provenance.connector} · ${merged.relations.provenance.runId}]`);
  }
  for (const [aspect, items] of Object.entries(merged.items) as [string, MergedItem<unknown>[]][]) {
    if (items.length === 0) continue;
    out.push(`  ${aspect}:`);
    for (const item of items) {
      const also = item.suppliedBy.filter((c) => c !== item.provenance.connector);
      out.push(
        `    - ${describe(item.value)}  [${item.provenance.connector} · ${item.provenance.runId}${also.length ? `; also from ${also.join(', ')}` : ''}]`,
      );
    }
  }
  console.log(out.join('\n'));
}

const FIELD_ORDER = [
  'type', 'code', 'kind', 'key', 'value', 'name', 'companyName', 'fullName', 'firstName', 'lastName', 'displayName',
  'email', 'phone', 'line1', 'line2', 'city', 'state', 'zip', 'country', 'addressKey', 'contactKey',
];
const rank = (field: string) => (FIELD_ORDER.includes(field) ? FIELD_ORDER.indexOf(field) : FIELD_ORDER.length);

function describe(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== '')
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`)
      .join(' ');
  }
  return String(value);
}
