/**
 * What a staged record hashes to, computed where the record is read, so that a customer whose
 * source supplies what it supplied last time is recognized before it is staged. The text hashed
 * is the one PostgreSQL prints for the record stored as `jsonb` (`record::text`): hashes staged
 * before they were computed here stay valid. Written by hand: no library prints jsonb's text.
 */
import { createHash } from 'node:crypto';

/**
 * The text PostgreSQL prints for a value stored as `jsonb`: object keys sorted shorter first,
 * then bytewise; `", "` and `": "` as separators. Covers what customer records hold (strings,
 * finite numbers, booleans, null, arrays, objects).
 */
export function jsonbText(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return jsonbString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`jsonb has no text for ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ', ') + (value[i] === undefined ? 'null' : jsonbText(value[i]));
    return `${out}]`;
  }
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const { keys, heads } = keysInJsonbOrder(object);
    let out = '';
    for (let i = 0; i < keys.length; i++) {
      const v = object[keys[i]!];
      if (v === undefined) continue;
      out += `${out === '' ? '' : ', '}${heads[i]}${jsonbText(v)}`;
    }
    return `{${out}}`;
  }
  throw new Error(`jsonb has no text for a ${typeof value}`);
}

/**
 * Records repeat a few shapes of object: each shape's key order is sorted once and kept in a tree
 * of its keys, walked key by key (no text is made of them to look a shape up). At most this many
 * nodes are kept, for keys of at most this length; other shapes are sorted each time.
 */
const KEY_ORDER_NODES_KEPT = 20_000;
const KEY_ORDER_KEY_LENGTH_KEPT = 64;

/** An object's keys in jsonb's order, and the text each key's member begins with (`"key": `). */
interface KeyOrder {
  keys: string[];
  heads: string[];
}

interface KeyOrderNode {
  next: Map<string, KeyOrderNode>;
  order?: KeyOrder;
}

const keyOrders: KeyOrderNode = { next: new Map() };
let keyOrderNodes = 0;

function keyOrderOf(keys: string[]): KeyOrder {
  keys.sort(compareJsonbKeys);
  return { keys, heads: keys.map((key) => `${jsonbString(key)}: `) };
}

function keysInJsonbOrder(object: Record<string, unknown>): KeyOrder {
  const keys = Object.keys(object);
  let node = keyOrders;
  for (const key of keys) {
    let next = node.next.get(key);
    if (next === undefined) {
      if (keyOrderNodes >= KEY_ORDER_NODES_KEPT || key.length > KEY_ORDER_KEY_LENGTH_KEPT) return keyOrderOf(keys);
      next = { next: new Map() };
      node.next.set(key, next);
      keyOrderNodes++;
    }
    node = next;
  }
  return (node.order ??= keyOrderOf(keys));
}

function compareJsonbKeys(a: string, b: string): number {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length !== bb.length ? ab.length - bb.length : Buffer.compare(ab, bb);
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function jsonbString(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/["\\\u0000-\u001f]/.test(text)) return `"${text}"`;
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += ESCAPES[ch] ?? (code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : ch);
  }
  return `${out}"`;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** A staged record's hash: the md5 of its jsonb text. */
export function recordHash(record: unknown): string {
  return recordTextAndHash(record).hash;
}

/** A record's jsonb text (valid JSON, sent as the staged record) and its {@link recordHash}. */
export function recordTextAndHash(record: unknown): { text: string; hash: string } {
  const text = jsonbText(record);
  return { text, hash: md5(text) };
}

/**
 * A customer's input hash (stored as `customers.input_hash` when it is merged): the flow's
 * step signature (`stepsSignature`), then `<step index>:<record hash>` of each of its staged records in step and
 * input order — what the merge plan computes in SQL.
 */
export function inputHashOf(stepsSignature: string, records: readonly { stepIndex: number; recordHash: string }[]): string {
  return md5(stepsSignature + records.map((r) => `${r.stepIndex}:${r.recordHash}`).join(','));
}
