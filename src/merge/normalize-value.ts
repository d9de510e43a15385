import { canonicalJson } from './content-hash.js';
import { sortedKeys } from './sorted-keys.js';

/**
 * Returns a deep copy of a JSON-like value with `undefined` object properties
 * removed and object keys in sorted order. Empty strings and array order are kept.
 */
export function normalizeValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map((entry: unknown) => normalizeValue(entry)) as T;
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of sortedKeys(source)) {
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

/**
 * True when both values have the same canonical JSON (key order and `undefined` properties
 * ignored), compared value by value without writing either out: merging compares every
 * stored value with its new one.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (hasToJson(a) || hasToJson(b)) return canonicalJson(a) === canonicalJson(b);
  const aObject = a !== null && typeof a === 'object';
  const bObject = b !== null && typeof b === 'object';
  if (aObject || bObject) {
    if (!aObject || !bObject || Array.isArray(a) !== Array.isArray(b)) return false;
    return Array.isArray(a) ? sameArrays(a, b as unknown[]) : sameObjects(a as Record<string, unknown>, b as Record<string, unknown>);
  }
  if (typeof a === 'string' || typeof b === 'string') return false;
  return scalarJson(a) === scalarJson(b);
}

function sameArrays(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

function sameObjects(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let present = 0;
  for (const key of Object.keys(a)) {
    const value = a[key];
    if (absent(value)) continue;
    present++;
    if (!Object.hasOwn(b, key) || absent(b[key]) || !sameValue(value, b[key])) return false;
  }
  for (const key of Object.keys(b)) if (!absent(b[key])) present--;
  return present === 0;
}

/** What JSON leaves out of an object (and writes as null in an array). */
const absent = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

const hasToJson = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function';

const scalarJson = (value: unknown): string => (absent(value) ? 'null' : JSON.stringify(value));
