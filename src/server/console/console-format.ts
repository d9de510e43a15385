import { choiceOf } from '../../merge/survivor.js';
/** Formatting the console's templates use: times, durations and values as people read them. */

export { runStatusShown as runStatus } from '../../domain/run-status-shown.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-01 09:30 UTC`; '' for nothing. */
export function time(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return String(value);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** A span of milliseconds in words: `2 h 5 min`, `40 s`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

/** How long until `value` (negative: past). */
export function until(value: Date | string, now = Date.now()): string {
  const ms = new Date(value).getTime() - now;
  return ms >= 0 ? `in ${duration(ms)}` : `${duration(-ms)} ago`;
}

/** A value of a customer's item, short: strings as they are, objects as `key: value` pairs. */
export function value(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v !== 'object') return '';
  if (Array.isArray(v)) return v.map(value).join(', ');
  return Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== null && x !== undefined && x !== '')
    .map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x as string | number | boolean)}`)
    .join('; ');
}

/** A customer's name from its name aspect, and from a stored customer's name columns. */
export { displayNameOf as nameOf, displayNameOfRow as rowName } from '../../domain/customer-display-name.js';

export { describeDuplicateReasons as duplicateReasons } from '../../domain/duplicate-reasons.js';

/** Under a survivorship rule: the rule that chose a value and what lost, in words (empty without a rule). */
export function choice(field: Parameters<typeof choiceOf>[0]): string {
  const { chosenBy, lost } = choiceOf(field);
  if (!chosenBy) return '';
  return ` (chosen by ${chosenBy}${lost ? `; lost: ${lost.map((l) => `${l.connector}: ${value(l.value)}`).join(', ')}` : ''})`;
}
