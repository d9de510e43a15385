/**
 * Failure types no retry can fix (bad input, contradicting records, invalid data):
 * activities raise them as non-retryable, and the workflow's retry policy lists them.
 */
export const NON_RETRYABLE_ERROR_TYPES = ['InputError', 'MergeConflictError', 'ValidationError', 'ConfigMismatchError', 'FlowBusyError', 'DataIntegrityError'];
