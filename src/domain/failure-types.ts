/**
 * Failure types no retry can fix (bad input, contradicting records, invalid data):
 * activities raise them as non-retryable, and the workflow's retry policy lists them.
 */
export const NON_RETRYABLE_ERROR_TYPES = ['InputError', 'MergeConflictError', 'ValidationError', 'ConfigMismatchError', 'FlowBusyError', 'DataIntegrityError'];

/** The failure type of a run whose staged records PostgreSQL lost (a crash, a failover): the run begins again. */
export const STAGING_LOST_ERROR_TYPE = 'StagingLostError';
