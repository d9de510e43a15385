import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonText, rowsJson } from '../../src/db/json-text.js';

const flatRow = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.jsonValue()),
  { maxKeys: 6 },
);

describe('rowsJson', () => {
  it('writes rows as JSON.stringify does', () => {
    fc.assert(fc.property(fc.array(flatRow, { maxLength: 5 }), (rows) => {
      expect(rowsJson(rows)).toBe(JSON.stringify(rows));
    }));
  });

  it('writes JSON text as it is, and JSON.stringify reads it back as the same value', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(flatRow, fc.jsonValue()), { maxLength: 5 }), (pairs) => {
        const rows = pairs.map(([row, value]) => ({ ...row, merged: new JsonText(JSON.stringify(value)) }));
        const written = rowsJson(rows);
        expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(rows)));
        expect(written).toContain(rows[0] ? rows[0].merged.text : '[]');
      }),
    );
  });
});
