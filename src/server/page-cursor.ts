import { HttpProblem } from './problem-details.js';

/** The largest id a bigint column can hold. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** The opaque `nextCursor` of a page that ended at `id`. */
export const cursorOf = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

/**
 * The id a `cursor` parameter stands for; undefined when absent. A cursor this API did not give
 * (not of `shape`, or a number past a bigint) is a 400, not a query that fails.
 */
export function fromCursor(cursor: string | undefined, shape: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!shape.test(text) || (/^\d+$/.test(text) && BigInt(text) > MAX_BIGINT)) {
    throw new HttpProblem(400, 'query.cursor: not a cursor this API gave; pass nextCursor as it came', { errors: [{ field: 'query.cursor', rule: 'a nextCursor from an earlier page' }] });
  }
  return text;
}
