/** What kind of refusal: interfaces map it to their own terms (the CLI exits 1, the HTTP API answers 404, 409, 422, 412 or 403). */
export type OperationErrorKind = 'not-found' | 'conflict' | 'invalid' | 'precondition-failed' | 'forbidden';

/**
 * Which refusal, where the kind alone does not tell (the API's problem `type`, listed in
 * docs/customer-api.md): a script can tell a changed source id from a refused value.
 */
export type RefusalReason =
  | 'value-refused'
  | 'source-id-immutable'
  | 'customer-id-mismatch'
  | 'type-conflict'
  | 'customer-exists'
  | 'customer-deleted'
  | 'duplicate-in-upload'
  | 'idempotency-key-reused'
  | 'request-in-progress';

/** An operation refused what it was asked, in words for the person or system that asked. */
export class OperationError extends Error {
  constructor(
    readonly kind: OperationErrorKind,
    message: string,
    /** Which refusal, when a script may want to tell it from others of its kind. */
    readonly reason?: RefusalReason,
  ) {
    super(message);
    this.name = 'OperationError';
  }
}
