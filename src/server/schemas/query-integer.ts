import { z } from 'zod';

/**
 * A whole number in a query string, `min` to `max`, `fallback` when the parameter is absent.
 * An empty value (`?limit=`) is refused rather than read as 0.
 */
export function queryInteger(min: number, max: number, fallback: number) {
  return z.preprocess((value) => (value === '' ? Number.NaN : value), z.coerce.number().int().min(min).max(max).default(fallback));
}
