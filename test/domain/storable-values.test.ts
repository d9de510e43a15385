import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnstorableValue, jsonTextMayBeUnstorable, printableText } from '../../src/domain/storable-values.js';
import { jsonbText } from '../../src/merge/record-hash.js';
import { fuzzRuns } from '../fuzz/fuzz-settings.js';

/** Text with NULs, lone and paired surrogates, backslashes and the six characters `\u0000` among ordinary ones. */
const awkwardText = fc.string({
  unit: fc.constantFrom('a', 'é', '\u0000', '\\', '\\u0000', '\uD83D', '\uDE80', '\uD83D\uDE80', '"', '\n'),
  maxLength: 6,
});
const awkwardValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    awkwardText,
    fc.constantFrom(1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, true, null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(awkwardText, tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('what PostgreSQL cannot store, found where it is', () => {
  it('accepts ordinary text, including characters outside the Basic Multilingual Plane', () => {
    expect(findUnstorableValue({ name: { companyName: 'Åkesson & Søn 東京 🚀' }, tags: ['a', 'b'], n: 3.5, ok: true, none: null })).toBeUndefined();
  });

  it('names the path of a NUL, an unpaired surrogate, a non-finite number, or a key holding one', () => {
    expect(findUnstorableValue({ addresses: [{ line1: 'ok' }, { line1: 'Main\u0000St' }] })).toEqual({
      path: 'addresses[1].line1',
      reason: 'holds a NUL character (U+0000) at character 5, which the database cannot store',
    });
    expect(findUnstorableValue({ name: { firstName: 'A\uD83D' } })?.path).toBe('name.firstName');
    expect(findUnstorableValue({ name: { firstName: '\uDE80b' } })?.reason).toContain('unpaired UTF-16 surrogate at character 1');
    expect(findUnstorableValue({ customerAttributes: [{ key: 'discount', value: Number.NaN }] })).toEqual({
      path: 'customerAttributes[0].value',
      reason: 'is NaN, not a finite number',
    });
    expect(findUnstorableValue({ ['bad\u0000key']: 'x' })?.reason).toMatch(/^its name holds a NUL/);
  });

  it('clears only the JSON text of a storable value: text that may hold a NUL or surrogate has its value walked', () => {
    fc.assert(
      fc.property(awkwardValue, (value) => {
        let text: string;
        try {
          text = jsonbText(value);
        } catch {
          // A non-finite number, which jsonb has no text for.
          expect(findUnstorableValue(value)).toBeDefined();
          return;
        }
        if (!jsonTextMayBeUnstorable(text)) expect(findUnstorableValue(value)).toBeUndefined();
      }),
      fuzzRuns(2_000),
    );
    expect(jsonTextMayBeUnstorable(jsonbText({ name: 'Main\u0000St' }))).toBe(true);
    expect(jsonTextMayBeUnstorable(jsonbText({ name: 'A\uD83D' }))).toBe(true);
    expect(jsonTextMayBeUnstorable(jsonbText({ name: 'Åkesson 東京', n: 3 }))).toBe(false);
  });

  it('writes every key of an object, whatever object with keys of NULs came before it', () => {
    // Joined with NULs, these two lists of keys read the same.
    expect(jsonbText({ '\u0000': 1, '\u0000"': 2 })).toBe('{"\\u0000": 1, "\\u0000\\"": 2}');
    expect(jsonbText({ '\u0000\u0000': 1, '"': 2 })).toBe('{"\\"": 2, "\\u0000\\u0000": 1}');
  });

  it('makes diagnostic text storable, showing what was there', () => {
    expect(printableText('a\u0000b\uD83Dc')).toBe('a␀b\uFFFDc');
    expect(printableText('plain 🚀')).toBe('plain 🚀');
  });
});
