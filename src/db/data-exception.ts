/**
 * Whether an error is PostgreSQL refusing a value itself: SQLSTATE class 22, "data exception"
 * (an invalid escape, a value too long, a number out of range, …), or class 54, "program limit
 * exceeded" (an index row too large for its index, say). The same value fails the same way on
 * every attempt, so such errors are never retried.
 */
export function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && (code.startsWith('22') || code.startsWith('54'));
}

/** Whether an error is PostgreSQL refusing a row whose key a unique index already holds (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}
