import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RawRowGrouper } from '../../../src/connectors/flat-file/customer-row-groups.js';
import type { RawDelimitedRow } from '../../../src/connectors/flat-file/delimited-reader.js';

const lines = ['A|C1|x\n', 'A|C1|y\n', 'B|C2|z\n', 'B|C2|w\n', 'B|C2|v\n'];
const codeOf = (raw: RawDelimitedRow) => raw.bytes.toString('latin1').split('|')[1]!;

/** The rows as the reader gives them: views of the buffers the file was read into, cut where `cuts` say. */
function rowsIn(cuts: readonly number[]): RawDelimitedRow[] {
  const rows: RawDelimitedRow[] = [];
  let line = 1;
  for (let start = 0, c = 0; start < lines.length; c++) {
    const end = cuts[c] ?? lines.length;
    const buffer = Buffer.from(lines.slice(start, end).join(''));
    let offset = 0;
    for (const text of lines.slice(start, end)) {
      rows.push({ bytes: buffer.subarray(offset, offset + text.length), line, nextLine: line + 1, endOffset: 0 });
      offset += text.length;
      line++;
    }
    start = end;
  }
  return rows;
}

function groupsOf(rows: readonly RawDelimitedRow[]) {
  const grouper = new RawRowGrouper('seed', codeOf);
  const groups = rows.flatMap((r) => grouper.add(r) ?? []);
  const last = grouper.finish();
  return [...groups, ...(last ? [last] : [])].map((g) => ({ code: g.code, rows: g.rows.length, sourceHash: g.sourceHash }));
}

describe('grouping raw rows by customer', () => {
  it('hashes a group as the seed and its rows’ bytes, however the file’s reads cut them', () => {
    const expected = [
      { code: 'C1', rows: 2, sourceHash: createHash('sha256').update('seed').update(lines[0]! + lines[1]!).digest('base64') },
      { code: 'C2', rows: 3, sourceHash: createHash('sha256').update('seed').update(lines[2]! + lines[3]! + lines[4]!).digest('base64') },
    ];
    expect(groupsOf(rowsIn([]))).toEqual(expected);
    for (const cut of [1, 2, 3, 4]) expect(groupsOf(rowsIn([cut]))).toEqual(expected);
    expect(groupsOf(rowsIn([1, 2, 3, 4]))).toEqual(expected);
  });

  it('hashes a group larger than any before it, or than a megabyte, as it hashes a small one', () => {
    const long = [`A|C1|${'x'.repeat(10_000)}\n`, `A|C1|${'y'.repeat(5_000)}\n`, `B|C2|${'z'.repeat(2_000_000)}\n`, 'C|C3|w\n'];
    const buffer = Buffer.from(long.join(''));
    let offset = 0;
    const rows = long.map((text, i) => {
      const row = { bytes: buffer.subarray(offset, offset + text.length), line: i + 1, nextLine: i + 2, endOffset: 0 };
      offset += text.length;
      return row;
    });
    const sha = (text: string) => createHash('sha256').update('seed').update(text).digest('base64');
    expect(groupsOf(rows)).toEqual([
      { code: 'C1', rows: 2, sourceHash: sha(long[0]! + long[1]!) },
      { code: 'C2', rows: 1, sourceHash: sha(long[2]!) },
      { code: 'C3', rows: 1, sourceHash: sha(long[3]!) },
    ]);
  });
});
