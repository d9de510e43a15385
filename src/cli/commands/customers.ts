import { choiceOf } from '../../merge/survivor.js';
import { Command } from 'commander';
import { showCustomer, type CustomerView } from '../../operations/customers.js';
import { eraseCustomerData } from '../../operations/erase-customer.js';
import { recomputeCustomers } from '../../operations/recompute-customers.js';
import { cliActor } from '../cli-actor.js';
import type { MergedItem } from '../../merge/index.js';
import type { CliContext } from '../cli-context.js';

const customersHelp = `Prints a customer with every value's provenance: [connector · run] after each item.`;

/** `custsync customers show`. */
export function customersCommand(ctx: CliContext): Command {
  const customers = new Command('customers').description('customers and where their values came from');
  customers
    .command('show')
    .description('a customer with the connector and run behind every value')
    .argument('<ref>', 'customer id, or connector:external-id')
    .option('--json', 'as JSON')
    .addHelpText('after', `\n${customersHelp}`)
    .action((ref: string, o: { json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const customer = await showCustomer({ db }, ref);
        console.log(o.json ? JSON.stringify(customer, null, 2) : formatCustomer(customer));
      }),
    );
  customers
    .command('recompute')
    .description("apply a flow's survivorship rules to every stored customer again, without reading any source")
    .requiredOption('--flow <flow>', 'whose rules (survivorship:) to apply')
    .option('--json', 'the counts as JSON')
    .action((o: { flow: string; json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const { config } = ctx.config();
        let reported = 0;
        const outcome = await recomputeCustomers({ db, config }, o.flow, {
          by: cliActor(),
          onProgress: (checked, changed) => {
            if (o.json || checked - reported < 10_000) return;
            reported = checked;
            console.error(`checked ${checked} customers, ${changed} changed`);
          },
        });
        if (o.json) return console.log(JSON.stringify(outcome));
        console.log(`checked ${outcome.checked} customers: ${outcome.changed} changed by the rules of flow ${o.flow} (logged as ${outcome.runId})`);
      }),
    );
  customers
    .command('erase')
    .description("remove a customer's personal data everywhere custsync keeps it, for good")
    .argument('<ref>', 'customer id, or connector:external-id')
    .option('--json', 'as JSON')
    .addHelpText(
      'after',
      `\nRemoves the customer, its items and external ids, the values in its change log, its staging,
bulk-upload, preview and held copies, its rejected rows' raw lines, its push states and the
idempotency answers and notifications that name it. An audit entry keeps who erased it, when,
and the SHA-256 of its source id. It cannot be undone; a later run or API write of the same
source id creates a new customer.`,
    )
    .action((ref: string, o: { json?: boolean }) =>
      ctx.withDatabase(async ({ db }) => {
        const erased = await eraseCustomerData({ db }, ref, { by: cliActor() });
        if (o.json) return console.log(JSON.stringify(erased, null, 2));
        const removed = Object.entries(erased.removed).filter(([, n]) => n > 0);
        console.log(`erased customer ${erased.customerId}${removed.length ? ` (also ${removed.map(([t, n]) => `${n} ${t}`).join(', ')})` : ''}`);
      }),
    );
  return customers;
}

/** Under a survivorship rule: which rule chose the value and what lost (`  chosen by priority (erp, crm); lost: crm "Acme AS"`). */
function choiceText(field: Parameters<typeof choiceOf>[0]): string {
  const { chosenBy, lost } = choiceOf(field);
  if (!chosenBy) return '';
  return `  chosen by ${chosenBy}${lost ? `; lost: ${lost.map((l) => `${l.connector} ${describe(l.value)}`).join(', ')}` : ''}`;
}

/** A customer, value by value, each with its connector and run. */
export function formatCustomer(customer: CustomerView): string {
  const { merged, externalIds, lifecycle } = customer;
  const out: string[] = [];
  out.push(`customer ${customer.id} (${customer.type})${customer.deleted_at ? ' DELETED' : ''}`);
  out.push(`  source: ${customer.source_connector}:${customer.source_id}`);
  out.push(`  external ids: ${externalIds.map((e) => `${e.connector}:${e.external_id}`).join(', ')}`);
  out.push(`  created by ${customer.created_run_id}, last updated by ${customer.updated_run_id}`);
  if (customer.merged_into) out.push(`  MERGED into customer ${customer.merged_into}: that one holds its external ids and items now (undo: custsync duplicates unmerge ${customer.id})`);
  if (customer.deleted_at) {
    out.push(`  deleted ${new Date(customer.deleted_at).toISOString()}: ${customer.deleted_reason ?? ''}`);
  } else if (customer.missing_since) {
    out.push(
      `  MISSING since ${new Date(customer.missing_since).toISOString()} (run ${customer.missing_run_id ?? '?'}): ` +
        'deleted after the grace period unless its source supplies it again',
    );
  }
  for (const l of lifecycle) out.push(`  ${l.change} ${new Date(l.created_at).toISOString()} by ${l.run_id}`);
  if (merged.name) out.push(`  name: ${describe(merged.name.value)}  [${merged.name.provenance.connector} · ${merged.name.provenance.runId}]${choiceText(merged.name)}`);
  if (merged.relations) {
    out.push(`  relations: ${describe(merged.relations.value)}  [${merged.relations.provenance.connector} · ${merged.relations.provenance.runId}]`);
  }
  for (const [aspect, items] of Object.entries(merged.items) as [string, MergedItem<unknown>[]][]) {
    if (items.length === 0) continue;
    out.push(`  ${aspect}:`);
    for (const item of items) {
      const also = item.suppliedBy.filter((c) => c !== item.provenance.connector);
      out.push(
        `    - ${describe(item.value)}  [${item.provenance.connector} · ${item.provenance.runId}${also.length ? `; also from ${also.join(', ')}` : ''}]${choiceText(item)}`,
      );
    }
  }
  return out.join('\n');
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
