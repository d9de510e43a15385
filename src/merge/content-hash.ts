import { createHash } from 'node:crypto';
import type { MergedCustomer } from './merged-customer.js';
import { mergedValues } from './merged-values.js';
import { sortedKeys } from './sorted-keys.js';

/**
 * Serializes a value as JSON with every object's keys sorted (by UTF-16 code unit,
 * recursively), so two values that are deep-equal as JSON produce the same text
 * whatever order their keys were inserted in. Follows JSON.stringify otherwise:
 * `undefined` properties are dropped, `undefined` array entries become `null`.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/**
 * SHA-256 (hex) of what the customer is, without where its values came from (no provenance):
 * equal for two merges of the same data in different runs.
 */
export function valuesHash(customer: MergedCustomer): string {
  return createHash('sha256').update(canonicalJson({ type: customer.type, values: mergedValues(customer) })).digest('hex');
}

/** SHA-256 (hex) of the customer's canonical JSON: equal exactly when the canonical JSON is equal. */
export function contentHash(customer: MergedCustomer): string {
  return hashOfCanonicalJson(canonicalJson(customer));
}

/** {@link contentHash} of a customer whose canonical JSON is already written. */
export function hashOfCanonicalJson(json: string): string {
  return createHash('sha256').update(json).digest('hex');
}

function write(input: unknown): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (isCanonical(value)) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (write(value[i]) ?? 'null');
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '';
  for (const key of sortedKeys(record)) {
    const text = write(record[key]);
    if (text !== undefined) out += `${out === '' ? '' : ','}${quotedKey(key)}:${text}`;
  }
  return `{${out}}`;
}

/**
 * Whether JSON.stringify writes the value's canonical JSON: every object's keys already in
 * sorted order (JSON.stringify writes them in `Object.keys` order), nothing it would drop or
 * turn into null, no `toJSON`. Merged values are built so; checking them is cheaper than
 * writing them piece by piece.
 */
function isCanonical(value: unknown): boolean {
  if (value === null) return true;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  if (type !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isCanonical(value[i])) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    if ((i > 0 && keys[i - 1]! >= keys[i]!) || !isCanonical(record[keys[i]!])) return false;
  }
  return true;
}

/** Objects repeat a few keys: each key's JSON text is made once (at most this many are kept). */
const QUOTED_KEYS_KEPT = 10_000;
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < QUOTED_KEYS_KEPT) quotedKeys.set(key, quoted);
  }
  return quoted;
}
