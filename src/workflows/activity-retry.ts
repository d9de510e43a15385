import type { ActivityOptions } from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES } from '../domain/failure-types.js';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS } from '../domain/run-types.js';

/** Attempts of an activity before the run fails with the last attempt's error (about 4 minutes of retrying). */
export const ACTIVITY_MAX_ATTEMPTS = 10;

/** The retry policy of every activity: backoff up to a minute, bounded attempts, input errors never retried. */
export const ACTIVITY_RETRY: ActivityOptions['retry'] = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: ACTIVITY_MAX_ATTEMPTS,
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

/** Heartbeat timeout of every activity (a sync run's as its flow says): one lost with its worker is retried elsewhere within it. */
export const ACTIVITY_HEARTBEAT_TIMEOUT = DEFAULT_HEARTBEAT_TIMEOUT_MS;
