/**
 * The message of the innermost error in a `cause` chain: for a failed run, the activity's
 * own words rather than "Activity task failed". Pure, so workflows can use it too.
 */
export function rootCauseMessage(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  while (current instanceof Error && current.cause) {
    current = current.cause;
    if (current instanceof Error && current.message) message = current.message;
  }
  return message;
}
