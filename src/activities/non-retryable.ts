import { ApplicationFailure } from '@temporalio/common';
import { isDataException } from '../db/data-exception.js';
import { InputError } from '../connectors/input-error.js';
import { RetryLaterError } from '../connectors/retry-later-error.js';
import { MergeConflictError } from '../merge/index.js';
import { StagingLostError } from '../db/staging-lost-error.js';

/**
 * PostgreSQL errors the same data raises again on every attempt: a data exception (class 22),
 * a check or not-null constraint refusing a row. Retrying them only delays the run's clear failure.
 */
const DETERMINISTIC_SQLSTATES: Record<string, string> = {
  '23502': 'not-null constraint',
  '23514': 'check constraint',
};

/** Turns input, validation and data-integrity errors into non-retryable failures; anything else is retried. */
export function nonRetryableOnInputErrors<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (error) {
      if (error instanceof InputError || error instanceof MergeConflictError || error instanceof StagingLostError) {
        throw ApplicationFailure.create({ message: error.message, type: error.name, nonRetryable: true, cause: error });
      }
      if (error instanceof RetryLaterError) {
        throw ApplicationFailure.create({ message: error.message, type: error.name, nextRetryDelay: error.retryAfterMs, cause: error });
      }
      const code = (error as { code?: unknown }).code;
      if (isDataException(error)) {
        throw ApplicationFailure.create({
          message: `the database refused a value (data exception, SQLSTATE ${code as string}): ${(error as Error).message}`,
          type: 'DataException',
          nonRetryable: true,
          cause: error as Error,
        });
      }
      if (typeof code === 'string' && code in DETERMINISTIC_SQLSTATES) {
        throw ApplicationFailure.create({
          message: `the database refused the data (${DETERMINISTIC_SQLSTATES[code]}, SQLSTATE ${code}): ${(error as Error).message}`,
          type: 'DataIntegrityError',
          nonRetryable: true,
          cause: error as Error,
        });
      }
      throw error;
    }
  };
}
