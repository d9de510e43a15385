import { createHash } from 'node:crypto';
import { stepsSignature } from '../src/merge/steps-signature.js';
import type { CustomerRecord } from '../src/domain/customer-record.js';
import type { FlowStepPlan } from '../src/domain/run-types.js';

/**
 * The text PostgreSQL prints for a value stored as `jsonb` (`value::text`): object
 * keys deduplicated and sorted shorter first, then bytewise; `", "` and `": "` as
 * separators. Covers what customer records hold (strings, finite numbers,
 * booleans, null, arrays, objects).
 */
export function jsonbText(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return jsonbString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`jsonb has no text for ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : jsonbText(v))).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => compareJsonbKeys(a, b));
    return `{${entries.map(([k, v]) => `${jsonbString(k)}: ${jsonbText(v)}`).join(', ')}}`;
  }
  throw new Error(`jsonb has no text for a ${typeof value}`);
}

function compareJsonbKeys(a: string, b: string): number {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length !== bb.length ? ab.length - bb.length : Buffer.compare(ab, bb);
}

function jsonbString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/**
 * The `customers.input_hash` a sync stores for a customer whose only staged
 * record is `record`, from the flow's `steps` (the step-configuration signature,
 * then `<step index>:<md5 of the record's jsonb text>`), as `mergeChunk` computes it.
 */
export function sourceInputHash(steps: readonly FlowStepPlan[], record: CustomerRecord): string {
  return md5(`${stepsSignature(steps)}0:${md5(jsonbText(record))}`);
}
