import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import {
  approvePendingCustomers,
  listPendingCustomers,
  rejectPendingCustomers,
  ReviewDecisionError,
  type PendingCustomer,
} from '../../db/repositories/pending-customers.js';
import { diffCustomers } from '../../merge/index.js';
import { CliError } from '../cli-error.js';
import { diffLines } from '../format-preview.js';

export const reviewHelp = `A flow with reviewNewCustomers: true holds the customers its source would create
for the data team instead of creating them; updates of existing customers still apply.
A held customer that a later file changes stays held, with the newer data.
list:    customers waiting for review (--status approved|rejected for decided ones)
show:    one held customer, item by item, as approving would create it
approve: create them, exactly as the run that held them would have
reject:  do not create them; they are held again only when a file brings different data`;

function nameOf(c: PendingCustomer): string {
  const name = c.merged.name?.value;
  return name?.companyName ?? name?.displayName ?? ([name?.firstName, name?.lastName].filter(Boolean).join(' ') || '');
}

function summary(c: PendingCustomer) {
  return {
    flow: c.flow,
    code: c.sourceId,
    name: nameOf(c),
    status: c.status,
    heldRunId: c.heldRunId,
    heldAt: c.heldAt.toISOString(),
    ...(c.decidedAt ? { decidedAt: c.decidedAt.toISOString() } : {}),
    ...(c.customerId ? { customerId: c.customerId } : {}),
  };
}

/** Held customers of one flow or all. */
export async function listReview(
  db: Kysely<Database>,
  options: { flow?: string; status?: PendingCustomer['status']; json?: boolean },
): Promise<void> {
  const held = await listPendingCustomers(db, { flow: options.flow, status: options.status ?? 'pending' });
  if (options.json) {
    console.log(JSON.stringify(held.map(summary), null, 2));
    return;
  }
  if (held.length === 0) {
    console.log(`no customer is ${options.status ?? 'pending'} review${options.flow ? ` in flow ${options.flow}` : ''}`);
    return;
  }
  for (const c of held.map(summary)) {
    console.log(`${c.flow}  ${c.code}  ${c.name}  (${c.status}; held by ${c.heldRunId} at ${c.heldAt})`);
  }
  if (!options.status || options.status === 'pending') console.log('decide: custsync review approve <code…>   or   custsync review reject <code…>');
}

async function resolveFlow(db: Kysely<Database>, codes: string[], flow: string | undefined): Promise<string> {
  if (flow) return flow;
  const held = await listPendingCustomers(db, { sourceIds: codes });
  const flows = [...new Set(held.map((h) => h.flow))];
  if (flows.length === 1) return flows[0]!;
  if (flows.length === 0) throw new CliError(`${codes.join(', ')}: not held for review in any flow (custsync review list)`);
  throw new CliError(`${codes.join(', ')}: held in flows ${flows.join(', ')}; pass --flow <flow>`);
}

/** One held customer, item by item. */
export async function showReview(db: Kysely<Database>, code: string, options: { flow?: string; json?: boolean }): Promise<void> {
  const flow = await resolveFlow(db, [code], options.flow);
  const [held] = await listPendingCustomers(db, { flow, sourceIds: [code] });
  if (!held) throw new CliError(`${code} is not held for review in flow ${flow}`);
  if (options.json) {
    console.log(JSON.stringify({ ...summary(held), customer: held.merged }, null, 2));
    return;
  }
  const s = summary(held);
  console.log(`${s.code}  ${s.name}  (flow ${s.flow}, ${s.status}; held by ${s.heldRunId} at ${s.heldAt})`);
  for (const d of diffCustomers(undefined, held.merged)) for (const line of diffLines(d)) console.log(`  ${line}`);
}

/** Approves or rejects held customers, all or none. */
export async function decideReview(
  db: Kysely<Database>,
  codes: string[],
  decision: 'approve' | 'reject',
  options: { flow?: string },
  /** Called with the customers an approval created (to push them where the flow pushes). */
  afterApprove?: (flow: string, customerIds: string[]) => Promise<void>,
): Promise<void> {
  const flow = await resolveFlow(db, codes, options.flow);
  try {
    if (decision === 'approve') {
      const created = await approvePendingCustomers(db, flow, codes);
      for (const [code, id] of created) console.log(`created ${code} (customer ${id})`);
      await afterApprove?.(flow, [...created.values()]);
    } else {
      await rejectPendingCustomers(db, flow, codes);
      for (const code of codes) console.log(`rejected ${code}`);
    }
  } catch (error) {
    if (error instanceof ReviewDecisionError) throw new CliError(error.message);
    throw error;
  }
}
