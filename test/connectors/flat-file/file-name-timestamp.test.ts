import { describe, expect, it } from 'vitest';
import {
  compileTimestampPattern,
  DEFAULT_TIMESTAMP_PATTERN,
  fileNameTimestamp,
} from '../../../src/connectors/flat-file/file-name-timestamp.js';

describe('timestamps in file names', () => {
  const standard = compileTimestampPattern(DEFAULT_TIMESTAMP_PATTERN);

  it('reads the usual export timestamps as UTC', () => {
    expect(fileNameTimestamp('customer_20261101T020000.txt', standard)).toBe(Date.UTC(2026, 10, 1, 2, 0, 0));
    expect(fileNameTimestamp('customer_20261101_0215_delta.txt', standard)).toBe(Date.UTC(2026, 10, 1, 2, 15, 0));
    expect(fileNameTimestamp('customer_20261101.csv', standard)).toBe(Date.UTC(2026, 10, 1));
  });

  it('has no timestamp for names without one or with an impossible date', () => {
    expect(fileNameTimestamp('customer_latest.txt', standard)).toBeUndefined();
    expect(fileNameTimestamp('customer_20261341.txt', standard)).toBeUndefined();
  });

  it('takes a custom pattern', () => {
    const ordered = compileTimestampPattern('/(\\d{4})-(\\d{2})-(\\d{2})/');
    expect(fileNameTimestamp('kunden_2026-03-09.txt', ordered)).toBe(Date.UTC(2026, 2, 9));
  });

  it('refuses a pattern that is not a /regex/ with three groups', () => {
    expect(() => compileTimestampPattern('*.txt')).toThrow(/\/regex\//);
    expect(() => compileTimestampPattern('/(\\d{8})/')).toThrow(/three groups/);
  });
});
