import {
  approvePendingCustomers,
  listPendingCustomers,
  pendingCountsByFlow,
  rejectPendingCustomers,
  ReviewDecisionError,
  type PendingCustomer,
} from '../db/repositories/pending-customers.js';
import { diffCustomers, type CustomerDiff, type MergedCustomer } from '../merge/index.js';
import { likelyDuplicatesOf } from '../activities/check-duplicates.js';
import { customerById } from '../db/repositories/customers.js';
import { displayNameOf, displayNameOfRow } from '../domain/customer-display-name.js';
import type { DuplicateKeyKind } from '../domain/duplicate-settings.js';
import { OperationError } from '../domain/operation-error.js';
import type { OperationDeps } from './operation-deps.js';
import { pushForFlow } from './pushes.js';

/** A customer held for the data team's review, as lists show it. */
export interface HeldCustomerSummary {
  flow: string;
  code: string;
  name: string;
  status: PendingCustomer['status'];
  heldRunId: string;
  heldAt: string;
  decidedAt?: string;
  /** Who decided: `user:<name>` (console), `cli:<login>`. */
  decidedBy?: string;
  customerId?: string;
}

function summaryOf(c: PendingCustomer): HeldCustomerSummary {
  return {
    flow: c.flow,
    code: c.sourceId,
    name: displayNameOf(c.merged.name?.value),
    status: c.status,
    heldRunId: c.heldRunId,
    heldAt: c.heldAt.toISOString(),
    ...(c.decidedAt ? { decidedAt: c.decidedAt.toISOString() } : {}),
    ...(c.decidedBy ? { decidedBy: c.decidedBy } : {}),
    ...(c.customerId ? { customerId: c.customerId } : {}),
  };
}

/** Held customers of one flow or all; default those pending review. */
export async function listHeldCustomers(
  { db }: Pick<OperationDeps, 'db'>,
  options: { flow?: string; status?: PendingCustomer['status']; limit?: number } = {},
): Promise<HeldCustomerSummary[]> {
  return (await listPendingCustomers(db, { flow: options.flow, status: options.status ?? 'pending', ...(options.limit ? { limit: options.limit } : {}) })).map(summaryOf);
}

/** Customers pending review, per flow. */
export async function heldCustomerCounts({ db }: Pick<OperationDeps, 'db'>): Promise<Map<string, number>> {
  return pendingCountsByFlow(db);
}

/** The flow holding all these codes: the one given, or the only one holding them. */
async function flowHolding({ db }: Pick<OperationDeps, 'db'>, codes: string[], flow: string | undefined): Promise<string> {
  if (flow) return flow;
  const held = await listPendingCustomers(db, { sourceIds: codes });
  const flows = [...new Set(held.map((h) => h.flow))];
  if (flows.length === 1) return flows[0]!;
  if (flows.length === 0) throw new OperationError('not-found', `${codes.join(', ')}: not held for review in any flow (custsync review list)`);
  throw new OperationError('invalid', `${codes.join(', ')}: held in flows ${flows.join(', ')}; pass --flow <flow>`);
}

/**
 * One held customer as approving would create it: the customer and its items as changes from
 * nothing, and — when a later file held it again with other data — what that file changed.
 */
export async function showHeldCustomer(
  deps: Pick<OperationDeps, 'db'>,
  code: string,
  options: { flow?: string } = {},
): Promise<
  HeldCustomerSummary & { customer: MergedCustomer; items: CustomerDiff[]; laterChanges?: { sinceRunId: string; changes: CustomerDiff[] }; likelyDuplicates: HeldDuplicate[] }
> {
  const flow = await flowHolding(deps, [code], options.flow);
  const [held] = await listPendingCustomers(deps.db, { flow, sourceIds: [code] });
  if (!held) throw new OperationError('not-found', `${code} is not held for review in flow ${flow}`);
  return {
    ...summaryOf(held),
    customer: held.merged,
    items: diffCustomers(undefined, held.merged),
    likelyDuplicates: await heldDuplicates(deps, held.merged),
    ...(held.previous ? { laterChanges: { sinceRunId: held.previous.heldRunId, changes: diffCustomers(held.previous.merged, held.merged) } } : {}),
  };
}

/** A stored customer a held one may be: approving would make a duplicate of it. */
export interface HeldDuplicate {
  customerId: string;
  name: string;
  /** `connector:external-id` of the connector that created it. */
  source: string;
  strength: 'strong' | 'weak';
  reasons: { kind: DuplicateKeyKind; value: string }[];
  nameSimilarity: number;
}

async function heldDuplicates(deps: Pick<OperationDeps, 'db'>, merged: MergedCustomer): Promise<HeldDuplicate[]> {
  const likely = await likelyDuplicatesOf(deps.db, merged);
  const rows = await Promise.all(likely.map((l) => customerById(deps.db, l.customerId)));
  return likely.flatMap((l, i) => {
    const row = rows[i];
    if (!row) return [];
    const name = displayNameOfRow(row) || '(no name)';
    return [{ customerId: l.customerId, name, source: `${row.source_connector}:${row.source_id}`, strength: l.strength, reasons: l.reasons, nameSimilarity: l.nameSimilarity }];
  });
}

/**
 * Creates the held customers, all or none, exactly as the run that held them would have,
 * and queues them for the flow's push targets when `push` is given.
 */
export async function approveHeldCustomers(
  deps: Pick<OperationDeps, 'db'> & {
    /** Where the flow pushes; the Temporal client is asked for only when the flow has push targets. */
    push?: Pick<OperationDeps, 'temporal' | 'config'> & { client: () => Promise<OperationDeps['client']> };
  },
  codes: string[],
  options: { flow?: string; by: string },
): Promise<{ flow: string; created: { code: string; customerId: string }[]; queuedFor: string[] }> {
  const flow = await flowHolding(deps, codes, options.flow);
  const created = await decided(() => approvePendingCustomers(deps.db, flow, codes, options.by));
  const ids = [...created.values()];
  const push = deps.push;
  const pushes = push !== undefined && (push.config.flows[flow]?.pushTo ?? []).length > 0;
  const queuedFor = pushes ? await pushForFlow({ db: deps.db, ...push, client: await push.client() }, flow, ids, `review/${flow}`) : [];
  return { flow, created: [...created].map(([code, customerId]) => ({ code, customerId })), queuedFor };
}

/** Rejects held customers, all or none: they are held again only when a file brings different data. */
export async function rejectHeldCustomers(deps: Pick<OperationDeps, 'db'>, codes: string[], options: { flow?: string; by: string }): Promise<{ flow: string }> {
  const flow = await flowHolding(deps, codes, options.flow);
  await decided(() => rejectPendingCustomers(deps.db, flow, codes, options.by));
  return { flow };
}

async function decided<T>(decide: () => Promise<T>): Promise<T> {
  try {
    return await decide();
  } catch (error) {
    if (error instanceof ReviewDecisionError) throw new OperationError('conflict', error.message);
    throw error;
  }
}
