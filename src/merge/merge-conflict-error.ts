/** Raised when the contributions for one customer cannot be merged into one consistent customer. */
export class MergeConflictError extends Error {
  override readonly name = 'MergeConflictError';
  /** External id of the record that caused the conflict (empty when no record was available). */
  readonly externalId: string;
  /** The customer field in conflict, e.g. `type`. */
  readonly field: string;
  /** The connector whose record caused the conflict, when there is one. */
  readonly connector: string | undefined;

  constructor(message: string, details: { externalId: string; field: string; connector?: string }) {
    super(message);
    this.externalId = details.externalId;
    this.field = details.field;
    this.connector = details.connector;
  }
}
