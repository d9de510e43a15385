import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { runChangedCustomersAfter } from '../db/repositories/change-log.js';
import { firstCreated } from '../db/repositories/customers.js';
import { listCandidates } from '../db/repositories/duplicate-candidates.js';
import type { DuplicateKeyKind } from '../domain/duplicate-settings.js';
import { OperationError } from '../domain/operation-error.js';
import type { ActivityDeps } from './activity-deps.js';
import { checkDuplicates, type DuplicateCheckCounts } from './check-duplicates.js';
import { mergeInTransaction } from './customer-merge.js';
import { heartbeat } from './heartbeat.js';

const PAGE = 1_000;

export interface FindDuplicatesInput {
  runId: string;
  /** The flow's `duplicates.keys`. */
  keys: DuplicateKeyKind[];
  /** Merge the strong candidates found (the flow's `autoMerge: strong`); default false. The run's pushes then queue the survivors. */
  autoMerge?: boolean;
}

/** What a run's check found, and merged by itself. */
export interface FindDuplicatesResult extends DuplicateCheckCounts {
  /** Strong candidates merged (`autoMerge: strong`). */
  merged: number;
}

/** Checks every customer the run created or updated (from the change log), a page at a time. */
export function findDuplicatesActivity({ db }: ActivityDeps) {
  return async function findDuplicates(input: FindDuplicatesInput): Promise<FindDuplicatesResult> {
    // A retry (the worker lost) goes on after the last page it checked: checking is idempotent, so only time is saved.
    const resumed = Context.current().info.heartbeatDetails as { after: string; counts: FindDuplicatesResult } | undefined;
    const counts: FindDuplicatesResult = resumed?.counts ?? { checked: 0, newCandidates: 0, merged: 0 };
    let after = resumed?.after ?? '0';
    for (;;) {
      const page = await runChangedCustomersAfter(db, input.runId, after, PAGE);
      if (page.length === 0) break;
      after = page.at(-1)!.id;
      const found = await checkDuplicates(db, [...new Set(page.map((c) => c.customerId))], input.keys, input.runId);
      counts.checked += found.checked;
      counts.newCandidates += found.newCandidates;
      heartbeat({ after, counts });
    }
    if (input.autoMerge) counts.merged = await mergeStrongCandidates(db, input.runId);
    return counts;
  };
}

/**
 * Merges the strong candidates a run found, each in a transaction of its own (the customer
 * created first survives, decided by `auto:<run id>`); a pair the rules refuse (one of them merged
 * away meanwhile) stays open for the data team. How many were merged.
 */
async function mergeStrongCandidates(db: Kysely<Database>, runId: string): Promise<number> {
  let merged = 0;
  for (const candidate of await listCandidates(db, { status: 'open', strength: 'strong', runId }, undefined, 10_000)) {
    const ids = candidate.customers.map((c) => c.id);
    const survivorId = await firstCreated(db, ids);
    const mergedId = ids.find((id) => id !== survivorId)!;
    try {
      await db.transaction().execute((trx) => mergeInTransaction(trx, survivorId, mergedId, candidate.id, `auto:${runId}`, { runningRun: runId }));
      merged++;
    } catch (error) {
      if (!(error instanceof OperationError)) throw error;
    }
    heartbeat();
  }
  return merged;
}
