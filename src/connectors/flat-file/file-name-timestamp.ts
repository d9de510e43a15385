import { regexLiteral } from './file-name-pattern.js';

/**
 * Default pattern of an export timestamp in a file name: `20261101T020000`,
 * `20261101_0200`, `20261101-020000` or a bare date `20261101`.
 */
export const DEFAULT_TIMESTAMP_PATTERN = '/(\\d{4})(\\d{2})(\\d{2})(?:[T_-]?(\\d{2})(\\d{2})(\\d{2})?)?/';

/** Compiles a `/regex/` whose groups capture year, month, day and optionally hour, minute, second. */
export function compileTimestampPattern(pattern: string): RegExp {
  const regex = regexLiteral(pattern);
  if (!regex) throw new Error('write the timestamp pattern as /regex/ with groups for year, month, day [, hour, minute, second]');
  if (new RegExp(`${regex.source}|`).exec('')!.length - 1 < 3) {
    throw new Error('the timestamp pattern needs at least three groups: year, month, day');
  }
  return regex;
}

/** The UTC time a file name carries, or undefined when it has none (or not a valid date). */
export function fileNameTimestamp(name: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(name);
  if (!match) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((g) => (g === undefined ? undefined : Number(g)));
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(time);
  const valid =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return valid ? time : undefined;
}
