import { canonicalJson } from './content-hash.js';

/**
 * Returns a deep copy of a JSON-like value with `undefined` object properties
 * removed and object keys in sorted order. Empty strings and array order are kept.
 */
export function normalizeValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map((entry: unknown) => normalizeValue(entry)) as T;
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(source).sort()) {
    const entry = source[key];
    if (entry === undefined) continue;
    if (key === '__proto__') {
      Object.defineProperty(result, key, { value: normalizeValue(entry), enumerable: true, writable: true, configurable: true });
    } else {
      result[key] = normalizeValue(entry);
    }
  }
  return result as T;
}

/** True when both values have the same canonical JSON (key order and `undefined` properties ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
