import { findMissingCustomers, restoreReappeared } from '../db/repositories/deletions.js';
import { analyzeIfStale } from '../db/repositories/table-statistics.js';
import type { ActivityDeps } from './activity-deps.js';

export interface CheckMissingInput {
  runId: string;
  /** The flow's source connector (source of truth). */
  connector: string;
  /** Whether the source step read a full snapshot; only then can customers be missing. */
  fullSnapshot: boolean;
  /** Find, but restore nothing. */
  dryRun?: boolean;
}

export interface CheckMissingResult {
  /** Missing or deleted customers the source supplied again, restored. */
  restored: number;
  /** Customers the full snapshot lacks (0 without one). */
  candidates: number;
  /** The source's customers they were compared with. */
  sourceCustomers: number;
}

/**
 * After the merge: restores customers the source supplied again, and (full snapshots
 * only) records which of the source's customers the snapshot lacks. Marks nothing.
 */
export function checkMissingActivity({ db }: ActivityDeps) {
  return async function checkMissing(input: CheckMissingInput): Promise<CheckMissingResult> {
    const restored = input.dryRun ? 0 : await restoreReappeared(db, input.runId, input.connector);
    if (!input.fullSnapshot) return { restored, candidates: 0, sourceCustomers: 0 };
    await analyzeIfStale(db, 'customers');
    const found = await findMissingCustomers(db, input.runId, input.connector);
    return { restored, ...found };
  };
}
