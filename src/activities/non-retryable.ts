import { ApplicationFailure } from '@temporalio/common';
import { InputError } from '../connectors/input-error.js';
import { MergeConflictError } from '../merge/index.js';

/** Turns input and validation errors into non-retryable failures; anything else is retried. */
export function nonRetryableOnInputErrors<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (error) {
      if (error instanceof InputError || error instanceof MergeConflictError) {
        throw ApplicationFailure.create({ message: error.message, type: error.name, nonRetryable: true, cause: error });
      }
      throw error;
    }
  };
}
