import type { RawRowGroup } from './customer-row-groups.js';

/**
 * A page of row groups as one buffer of their bytes and arrays of numbers: what crosses to the
 * mapping thread in one message, the buffer moved rather than copied.
 */
export interface PackedRowGroups {
  bytes: ArrayBuffer;
  /** Per row: the end of its bytes in `bytes`, its line, the line after it and its end offset in the file. */
  rows: Float64Array;
  groups: { code: string; sourceHash: string; rowCount: number }[];
}

const ROW_NUMBERS = 4;

/** Packs groups into one buffer, their rows' bytes copied once, side by side. */
export function packRowGroups(groups: readonly RawRowGroup[]): PackedRowGroups {
  let size = 0;
  let rowCount = 0;
  for (const group of groups) {
    rowCount += group.rows.length;
    for (const row of group.rows) size += row.bytes.length;
  }
  const bytes = new ArrayBuffer(size);
  const view = new Uint8Array(bytes);
  const rows = new Float64Array(rowCount * ROW_NUMBERS);
  let at = 0;
  let r = 0;
  for (const group of groups) {
    for (const row of group.rows) {
      view.set(row.bytes, at);
      at += row.bytes.length;
      rows[r++] = at;
      rows[r++] = row.line;
      rows[r++] = row.nextLine;
      rows[r++] = row.endOffset;
    }
  }
  return { bytes, rows, groups: groups.map((g) => ({ code: g.code, sourceHash: g.sourceHash, rowCount: g.rows.length })) };
}

/** The groups {@link packRowGroups} packed, their rows' bytes views into the one buffer. */
export function unpackRowGroups(packed: PackedRowGroups): RawRowGroup[] {
  const out: RawRowGroup[] = [];
  let start = 0;
  let r = 0;
  for (const group of packed.groups) {
    const rows = [];
    for (let i = 0; i < group.rowCount; i++) {
      const end = packed.rows[r]!;
      rows.push({ bytes: Buffer.from(packed.bytes, start, end - start), line: packed.rows[r + 1]!, nextLine: packed.rows[r + 2]!, endOffset: packed.rows[r + 3]! });
      start = end;
      r += ROW_NUMBERS;
    }
    out.push({ code: group.code, sourceHash: group.sourceHash, rows });
  }
  return out;
}

/** How many rows a packed page holds. */
export function packedRowCount(packed: PackedRowGroups): number {
  return packed.rows.length / ROW_NUMBERS;
}

/** The line each packed group's first row starts on. */
export function packedFirstLines(packed: PackedRowGroups): number[] {
  const lines: number[] = [];
  let r = 0;
  for (const group of packed.groups) {
    lines.push(packed.rows[r * ROW_NUMBERS + 1]!);
    r += group.rowCount;
  }
  return lines;
}

/** Where a packed page's cursor points: past its last row, or `start` for an empty page. */
export function packedPageEnd(packed: PackedRowGroups, start: { offset: number; line: number }): { offset: number; line: number } {
  const n = packed.rows.length;
  return n === 0 ? start : { offset: packed.rows[n - 1]!, line: packed.rows[n - 2]! };
}
