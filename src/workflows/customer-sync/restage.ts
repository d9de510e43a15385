import { ApplicationFailure } from '@temporalio/workflow';
import { STAGING_LOST_ERROR_TYPE } from '../../domain/failure-types.js';
import type { CustomerSyncInput } from '../../domain/run-types.js';
import type { RunState } from './run-state.js';

/** How many times a run begins again after PostgreSQL lost its staging before it fails instead. */
export const MAX_RESTAGINGS = 3;

/** Whether an activity failed because the run's staged records are gone (`StagingLostError`). */
export function isStagingLost(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof ApplicationFailure && current.type === STAGING_LOST_ERROR_TYPE) return true;
  }
  return false;
}

/**
 * The input of an execution that begins the run again and stages its inputs anew (the same ones:
 * a run with a merge plan selects what it selected before); chunks already merged are skipped.
 */
export function restageFrom(run: RunState): CustomerSyncInput {
  const input: CustomerSyncInput = { ...run.input, restaged: (run.input.restaged ?? 0) + 1 };
  delete input.resume;
  return input;
}
