import type { MatchBy } from '../domain/match-by.js';
import { matcherOf } from '../merge/index.js';
import {
  analyzeStaging,
  assignEnrichmentCustomers,
  assignSourceCustomers,
  refuseSourceIdChanges,
  stepMatchCounts,
} from '../db/repositories/staging-matches.js';
import { setStepMatchCounts } from '../db/repositories/sync-runs.js';
import { assertStagingKept } from '../db/repositories/staging-sentinels.js';
import type { ActivityDeps } from './activity-deps.js';

export interface MatchStepInput {
  runId: string;
  stepIndex: number;
  connector: string;
  role: 'source' | 'enrichment';
  /** Enrichment only; default `sourceId`. */
  matchBy?: MatchBy;
  /** The flow's source connector, when the source is a connector (its staged records are step 0). */
  sourceConnector?: string;
}

export interface MatchStepResult {
  matched: number;
  unmatched: number;
  /** Source records refused because they would change a customer's source id. */
  rejected?: number;
}

/**
 * Assigns every staged record of a step to a customer.
 * Source step: known external ids get their customer, others a new customer id.
 * Enrichment step: records are matched as the step's matcher says and never create customers.
 * Only unassigned rows are touched, so running it again changes nothing.
 */
export function matchStepActivity({ db }: ActivityDeps) {
  return async function matchStep(input: MatchStepInput): Promise<MatchStepResult> {
    const step = { runId: input.runId, stepIndex: input.stepIndex, connector: input.connector };
    await analyzeStaging(db, input.runId);
    if (input.role === 'source') {
      const refused = await refuseSourceIdChanges(db, step);
      const known = await assignSourceCustomers(db, step);
      await analyzeStaging(db, input.runId);
      await assertStagingKept(db, input.runId);
      await setStepMatchCounts(db, input.runId, input.stepIndex, { matched: known, unmatched: 0 });
      return { matched: known, unmatched: 0, ...(refused > 0 ? { rejected: refused } : {}) };
    }

    const { lookup } = matcherOf(input.matchBy ?? 'sourceId');
    await assignEnrichmentCustomers(db, { ...step, lookup, ...(input.sourceConnector ? { sourceConnector: input.sourceConnector } : {}) });
    await analyzeStaging(db, input.runId);
    const counts = await stepMatchCounts(db, input.runId, input.stepIndex);
    await assertStagingKept(db, input.runId);
    await setStepMatchCounts(db, input.runId, input.stepIndex, counts);
    return counts;
  };
}
