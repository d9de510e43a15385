import { recomputeAll, rulesHash } from '../activities/apply-survivorship.js';
import { recordAppliedRules } from '../db/repositories/survivorship-states.js';
import { OperationError } from '../domain/operation-error.js';
import type { OperationDeps } from './operation-deps.js';

/** What recomputing did. */
export interface RecomputeOutcome {
  /** Customers looked at, and those whose values the rules now choose differently. */
  checked: number;
  changed: number;
  /** The id the changes are logged under. */
  runId: string;
}

/**
 * Applies a flow's survivorship rules to every stored customer again, from the values each
 * connector supplied last as stored with the customer (no source is read): after a rule
 * changed, each field gets the value the new rule chooses. A customer whose values stay the
 * same is not written. Each page of customers is one transaction. The flow's next run then
 * finds its rules applied already.
 */
export async function recomputeCustomers(
  { db, config }: Pick<OperationDeps, 'db' | 'config'>,
  flow: string,
  options: { by: string; pageSize?: number; onProgress?: (checked: number, changed: number) => void },
): Promise<RecomputeOutcome> {
  const flowConfig = config.flows[flow];
  if (!flowConfig) throw new OperationError('not-found', `unknown flow "${flow}"; configured flows: ${Object.keys(config.flows).join(', ') || 'none'}`);
  const rules = flowConfig.survivorship ?? {};
  const runId = `recompute/${flow}/${new Date().toISOString().replace(/[-:.]/g, '')}`;
  const counts = await recomputeAll(db, rules, runId, options.by, {
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    onPage: (_after, page) => options.onProgress?.(page.checked, page.changed),
  });
  await recordAppliedRules(db, flow, rulesHash(rules), options.by);
  return { ...counts, runId };
}
