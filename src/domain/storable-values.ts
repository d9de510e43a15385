/**
 * What PostgreSQL cannot store: text and jsonb refuse U+0000 and unpaired UTF-16 surrogates,
 * and JSON has no NaN or Infinity (they would turn into null). A value holding one is rejected
 * where it is found, never stored altered.
 */

/**
 * Text the database can store, as a JSON Schema `pattern` every regex dialect reads alike: no NUL.
 * (Unpaired surrogates, refused too, cannot be written in a pattern that Rust and Python
 * validators compile; {@link unstorableTextReason} names both.)
 */
export const STORABLE_TEXT_PATTERN = '^[^\\u0000]*$';

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** Why a string cannot be stored, or undefined when it can. */
export function unstorableTextReason(text: string): string | undefined {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return `holds a NUL character (U+0000) at character ${nul + 1}, which the database cannot store`;
  // Most text has no surrogate at all (nothing outside the Basic Multilingual Plane): the cheap test first.
  if (!ANY_SURROGATE.test(text)) return undefined;
  const surrogate = UNPAIRED_SURROGATE.exec(text);
  if (surrogate) return `holds an unpaired UTF-16 surrogate at character ${surrogate.index + 1}, which is not text the database can store`;
  return undefined;
}

/**
 * Whether JSON text may hold what the database cannot store: an escaped NUL or a surrogate.
 * When it does not, and it was written by a printer that refuses non-finite numbers (the jsonb
 * printer of `merge/record-hash.ts`; `JSON.stringify` writes them as null), the value it was
 * written from is storable, with no walk over the value.
 */
export function jsonTextMayBeUnstorable(text: string): boolean {
  return text.includes('\\u0000') || ANY_SURROGATE.test(text);
}

export interface UnstorableValue {
  /** Where in the value, e.g. `addresses[1].line1` (empty for the value itself). */
  path: string;
  reason: string;
}

/** Whether every part of a JSON-like value can be stored: a walk that allocates nothing, for the common case. */
function isStorable(value: unknown): boolean {
  if (typeof value === 'string') return unstorableTextReason(value) === undefined;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) {
    for (const item of value) if (!isStorable(item)) return false;
    return true;
  }
  if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (unstorableTextReason(key) !== undefined || !isStorable((value as Record<string, unknown>)[key])) return false;
    }
  }
  return true;
}

/** The first part of a JSON-like value that the database cannot store, depth first. */
export function findUnstorableValue(value: unknown, path = ''): UnstorableValue | undefined {
  return isStorable(value) ? undefined : locateUnstorable(value, path);
}

function locateUnstorable(value: unknown, path: string): UnstorableValue | undefined {
  if (typeof value === 'string') {
    const reason = unstorableTextReason(value);
    return reason ? { path, reason } : undefined;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, reason: `is ${value}, not a finite number` };
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = locateUnstorable(item, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      const keyReason = unstorableTextReason(key);
      if (keyReason) return { path: at, reason: `its name ${keyReason}` };
      const found = locateUnstorable(item, at);
      if (found) return found;
    }
  }
  return undefined;
}

/** Index of the first field that cannot be stored (a NUL or an unpaired surrogate), or -1. */
export function firstUnstorableField(fields: readonly string[]): number {
  return fields.findIndex((f) => unstorableTextReason(f) !== undefined);
}

/**
 * Diagnostic text (a rejected row's raw text, a reason quoting a value) made storable:
 * NUL shown as ␀ and unpaired surrogates as U+FFFD. Never used for customer data.
 */
export function printableText(text: string): string {
  if (unstorableTextReason(text) === undefined) return text;
  return text.replaceAll('\u0000', '\u2400').replace(new RegExp(UNPAIRED_SURROGATE.source, 'g'), '\uFFFD');
}
