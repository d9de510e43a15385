import { STAGING_LOST_ERROR_TYPE } from '../domain/failure-types.js';
import { flowOfRunId } from '../domain/run-flow.js';

/** A run's staged records are gone: PostgreSQL emptied its unlogged staging (see migration 0027). */
export class StagingLostError extends Error {
  override name = STAGING_LOST_ERROR_TYPE;

  constructor(runId: string) {
    super(
      `run ${runId}: its staged records are gone (PostgreSQL empties a run's staging, an unlogged table, when it restarts after a crash ` +
        'or fails over to a standby); nothing was merged from them, and chunks merged before are kept. ' +
        `Run the flow again (custsync run ${flowOfRunId(runId)}), or let its schedule do so`,
    );
  }
}
