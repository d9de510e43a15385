/** What kind of refusal: interfaces map it to their own terms (the CLI exits 1, the HTTP API answers 404, 409, 422, 412 or 403). */
export type OperationErrorKind = 'not-found' | 'conflict' | 'invalid' | 'precondition-failed' | 'forbidden';

/** An operation refused what it was asked, in words for the person or system that asked. */
export class OperationError extends Error {
  constructor(
    readonly kind: OperationErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'OperationError';
  }
}
