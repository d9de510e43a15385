/**
 * Input that no retry can fix (an unusable header, a missing file): the run fails
 * with this message instead of retrying.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}
