import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findUnstorableValue } from '../domain/storable-values.js';
import { JSON_MAX_DEPTH } from '../domain/text-limits.js';
import { HttpProblem } from './problem-details.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses JSON bodies strictly, never altering a value: bytes that are not UTF-8 are refused
 * (the lenient default would turn them into U+FFFD), a charset other than UTF-8 is refused, and
 * so is text the database cannot store (U+0000, unpaired surrogates), naming where it is.
 * Written by hand because Fastify's parser decodes leniently and knows nothing of storability.
 */
export function useStrictJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  // JSON merge patches (RFC 7396) are JSON too.
  app.addContentTypeParser(['application/json', 'application/merge-patch+json'], { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    try {
      done(null, parseStrictJson(request.headers['content-type'], body));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** A JSON body as a value; an `HttpProblem` (400 or 415) when it cannot be read exactly. */
export function parseStrictJson(contentType: string | undefined, body: Buffer): unknown {
  const charset = /charset\s*=\s*"?([^;"\s]+)/i.exec(contentType ?? '')?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) throw new HttpProblem(415, `send JSON as UTF-8 (Content-Type: application/json; charset=utf-8), not ${charset}`);
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    const at = firstInvalidUtf8(body);
    throw new HttpProblem(400, `the body is not UTF-8: byte ${at + 1} (0x${body[at]?.toString(16).padStart(2, '0')}) starts no valid character; nothing was read`, {
      errors: [{ field: 'body', rule: 'must be UTF-8 encoded JSON' }],
    });
  }
  if (text.trim() === '') throw new HttpProblem(400, 'the body is empty; send a JSON document', { errors: [{ field: 'body', rule: 'must be JSON' }] });
  const depth = nestingDepth(text);
  if (depth > JSON_MAX_DEPTH) {
    throw new HttpProblem(400, `the body nests objects and arrays ${depth} deep; at most ${JSON_MAX_DEPTH} levels are read`, {
      errors: [{ field: 'body', rule: `at most ${JSON_MAX_DEPTH} levels of nesting` }],
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpProblem(400, `the body is not valid JSON: ${(error as Error).message}`, { errors: [{ field: 'body', rule: 'must be valid JSON' }] });
  }
  const unstorable = findUnstorableValue(value);
  if (unstorable) {
    const field = unstorable.path === '' ? 'body' : `body.${unstorable.path}`;
    throw new HttpProblem(400, `${field} ${unstorable.reason}; nothing was written`, { errors: [{ field, rule: unstorable.reason }] });
  }
  return value;
}

/** How deeply JSON text nests objects and arrays (brackets inside strings not counted), read without recursion. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Offset of the first byte that starts no valid UTF-8 sequence (overlong forms and surrogates included). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    const second = bytes[i + 1]!;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return Math.max(0, bytes.length - 1);
}
