/**
 * A source asked to be called again later (HTTP 429 with Retry-After): the activity is
 * retried after `retryAfterMs` rather than after its usual backoff.
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}
