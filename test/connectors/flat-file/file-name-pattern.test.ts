import { describe, expect, it } from 'vitest';
import { compileFileNamePattern } from '../../../src/connectors/flat-file/file-name-pattern.js';

describe('file name patterns', () => {
  it('matches globs with *, ? and {a,b}', () => {
    const pattern = compileFileNamePattern('customer_*.{txt,csv}');
    expect(pattern.test('customer_20261101T020000.txt')).toBe(true);
    expect(pattern.test('customer_x.csv')).toBe(true);
    expect(pattern.test('customer_x.txt.part')).toBe(false);
    expect(pattern.test('orders_20261101.txt')).toBe(false);
    expect(compileFileNamePattern('c?.txt').test('c1.txt')).toBe(true);
    expect(compileFileNamePattern('c?.txt').test('c12.txt')).toBe(false);
  });

  it('takes dots and other regex characters in globs literally', () => {
    const pattern = compileFileNamePattern('customer(1).txt');
    expect(pattern.test('customer(1).txt')).toBe(true);
    expect(pattern.test('customer1xtxt')).toBe(false);
  });

  it('accepts /regex/flags, e.g. "contains customer and a timestamp"', () => {
    const pattern = compileFileNamePattern('/customer.*\\d{8}T\\d{6}/i');
    expect(pattern.test('CUSTOMER_20261101T020000_delta.txt')).toBe(true);
    expect(pattern.test('customer_latest.txt')).toBe(false);
  });
});

describe('case-insensitive file name patterns', () => {
  it('matches globs and regexes regardless of case when asked', () => {
    expect(compileFileNamePattern('customer_*.txt').test('CUSTOMER_1.TXT')).toBe(false);
    expect(compileFileNamePattern('customer_*.txt', { caseInsensitive: true }).test('CUSTOMER_1.TXT')).toBe(true);
    expect(compileFileNamePattern('/^customer_\\d+\\.txt$/', { caseInsensitive: true }).test('Customer_1.Txt')).toBe(true);
    expect(compileFileNamePattern('/^customer_\\d+\\.txt$/').test('Customer_1.Txt')).toBe(false);
  });
});
