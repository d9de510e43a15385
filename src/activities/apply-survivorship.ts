import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { addCustomerUpdate, emptyCustomerWrites, writeCustomers } from '../db/repositories/customer-writes.js';
import { customerIdsAfter } from '../db/repositories/customers.js';
import { customersForUpdate } from '../db/repositories/customer-locks.js';
import { appliedRulesHash, recordAppliedRules } from '../db/repositories/survivorship-states.js';
import type { SurvivorshipRules } from '../domain/survivorship.js';
import { canonicalJson, contentHash, diffCustomers, hashOfCanonicalJson, mergeCustomer } from '../merge/index.js';
import type { ActivityDeps } from './activity-deps.js';
import { heartbeat } from './heartbeat.js';

/** What applying rules to the stored customers did. */
export interface RecomputeCounts {
  checked: number;
  changed: number;
}

/** A hash of a flow's rules (none: the hash of `{}`). */
export const rulesHash = (rules: SurvivorshipRules | undefined): string => hashOfCanonicalJson(canonicalJson(rules ?? {}));

/**
 * Chooses every stored customer's values again by `rules`, from the values each connector
 * supplied last as kept with the customer (no source is read); a customer whose values stay the
 * same is not written. Each page is one transaction, the changes logged under `runId` by `by`.
 * Starts after customer `after` (a retry's last page); `onPage` hears each page's end.
 */
export async function recomputeAll(
  db: Kysely<Database>,
  rules: SurvivorshipRules,
  runId: string,
  by: string | null,
  options: { after?: string; pageSize?: number; onPage?: (after: string, counts: RecomputeCounts) => void } = {},
): Promise<RecomputeCounts> {
  const counts: RecomputeCounts = { checked: 0, changed: 0 };
  const now = new Date().toISOString();
  let after = options.after;
  for (;;) {
    const ids = await customerIdsAfter(db, after, options.pageSize ?? 500);
    if (ids.length === 0) return counts;
    after = ids.at(-1)!;
    counts.changed += await db.transaction().execute(async (trx) => {
      const writes = emptyCustomerWrites();
      writes.relink = false;
      for (const customer of await customersForUpdate(trx, ids)) {
        if (customer.merged_into || customer.deleted_at) continue;
        const recomputed = mergeCustomer(customer.merged, [], runId, { rules, now });
        const hash = contentHash(recomputed);
        if (hash === customer.content_hash) continue;
        const meta = { sourceConnector: customer.source_connector, sourceId: customer.source_id, contentHash: hash, inputHash: customer.input_hash, runId, createdRunId: customer.created_run_id };
        addCustomerUpdate(writes, customer.id, customer.merged, recomputed, meta);
        writes.changes.push({ run_id: runId, customer_id: customer.id, change: 'updated', diff: diffCustomers(customer.merged, recomputed), ...(by ? { actor: by } : {}) });
      }
      if (writes.customers.length > 0) await writeCustomers(trx, writes);
      return writes.customers.length;
    });
    counts.checked += ids.length;
    options.onPage?.(after, counts);
  }
}

export interface ApplySurvivorshipInput {
  runId: string;
  flow: string;
  rules: SurvivorshipRules;
}

/**
 * A run of a flow whose survivorship rules changed since its customers were last chosen by
 * them applies them to every stored customer first (then records the rules as applied); with
 * the same rules it does nothing. A retry goes on after the last page it did.
 */
export function applySurvivorshipActivity({ db }: ActivityDeps) {
  return async function applySurvivorship(input: ApplySurvivorshipInput): Promise<RecomputeCounts & { applied: boolean }> {
    const hash = rulesHash(input.rules);
    if ((await appliedRulesHash(db, input.flow)) === hash) return { checked: 0, changed: 0, applied: false };
    const resumed = Context.current().info.heartbeatDetails as { after: string; counts: RecomputeCounts } | undefined;
    const counts = await recomputeAll(db, input.rules, `${input.runId}/survivorship`, null, {
      ...(resumed ? { after: resumed.after } : {}),
      onPage: (after, page) => heartbeat({ after, counts: page }),
    });
    await recordAppliedRules(db, input.flow, hash, input.runId);
    return { checked: counts.checked + (resumed?.counts.checked ?? 0), changed: counts.changed + (resumed?.counts.changed ?? 0), applied: true };
  };
}
