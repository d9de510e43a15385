import { describe, expect, it } from 'vitest';
import { findUnstorableValue, printableText } from '../../src/domain/storable-values.js';

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

  it('makes diagnostic text storable, showing what was there', () => {
    expect(printableText('a\u0000b\uD83Dc')).toBe('a␀b\uFFFDc');
    expect(printableText('plain 🚀')).toBe('plain 🚀');
  });
});
