import { createHash } from 'node:crypto';
import type { MergedCustomer } from './merged-customer.js';
import { mergedValues } from './merged-values.js';

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
  return createHash('sha256').update(canonicalJson(customer)).digest('hex');
}

function write(input: unknown): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((entry) => write(entry) ?? 'null').join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const text = write(record[key]);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}
