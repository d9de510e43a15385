import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDelimitedRows, readRawDelimitedRows } from '../../../src/connectors/flat-file/delimited-reader.js';

interface ExpectedRow {
  fields: string[];
  line: number;
  endOffset: number;
  raw: string;
}

/**
 * The reader's quoting rules, character by character, as plainly as they can be written: a
 * quote opens a quoted field only at a field's start, a doubled quote in it is one quote, text
 * after its closing quote is kept, a CR before a row's LF is not part of the row.
 */
function expectedRows(text: string): ExpectedRow[] | 'unterminated' {
  const rows: ExpectedRow[] = [];
  let fields: string[] = [];
  let field = '';
  let state: 'start' | 'unquoted' | 'quoted' | 'quote-seen' | 'after' = 'start';
  let line = 1;
  let rowLine = 1;
  let rowStart = 0;
  const endRow = (at: number, terminated: boolean) => {
    let contentEnd = at;
    if (contentEnd > rowStart && text[contentEnd - 1] === '\r') {
      contentEnd--;
      if (state === 'unquoted' || state === 'after') field = field.slice(0, -1);
    }
    fields.push(field);
    if (contentEnd > rowStart) rows.push({ fields, line: rowLine, endOffset: terminated ? at + 1 : at, raw: text.slice(rowStart, contentEnd) });
    fields = [];
    field = '';
    state = 'start';
    line++;
    rowLine = line;
    rowStart = terminated ? at + 1 : at;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (state === 'start') {
      if (c === '"') {
        state = 'quoted';
        continue;
      }
      state = 'unquoted';
    }
    if (state === 'unquoted' || state === 'after') {
      if (c === '|') {
        fields.push(field);
        field = '';
        state = 'start';
      } else if (c === '\n') endRow(i, true);
      else field += c;
    } else if (state === 'quoted') {
      if (c === '"') state = 'quote-seen';
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      field += '"';
      state = 'quoted';
    } else if (c === '|') {
      fields.push(field);
      field = '';
      state = 'start';
    } else if (c === '\n') endRow(i, true);
    else {
      field += c;
      state = 'after';
    }
  }
  if (rowStart < text.length) {
    if (state === 'quoted') return 'unterminated';
    endRow(text.length, false);
  }
  return rows;
}

describe('the delimited reader against the quoting rules written plainly', () => {
  let dir: string;
  let counter = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'delimited-property-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const texts = fc.string({ unit: fc.constantFrom('a', 'b', '|', '"', '\r', '\n', ' '), maxLength: 60 });

  it('finds the same rows, fields, lines and offsets in any text, however the file is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(texts, fc.integer({ min: 1, max: 9 }), async (text, highWaterMark) => {
        const path = join(dir, `f-${++counter}.txt`);
        await writeFile(path, text);
        const expected = expectedRows(text);
        const read = async () => {
          const rows: ExpectedRow[] = [];
          for await (const r of readDelimitedRows(path, { highWaterMark })) rows.push({ fields: r.fields, line: r.line, endOffset: r.endOffset, raw: r.raw });
          return rows;
        };
        if (expected === 'unterminated') await expect(read()).rejects.toThrow(/is not terminated before the end of the file/);
        else expect(await read()).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('gives each raw row the bytes of the row with its terminator, and the line the next row starts on', async () => {
    await fc.assert(
      fc.asyncProperty(texts.filter((t) => expectedRows(t) !== 'unterminated'), fc.integer({ min: 1, max: 9 }), async (text, highWaterMark) => {
        const path = join(dir, `f-${++counter}.txt`);
        await writeFile(path, text);
        const raws = [];
        for await (const r of readRawDelimitedRows(path, { highWaterMark })) raws.push(r);
        const rows = expectedRows(text) as ExpectedRow[];
        expect(raws.map((r) => r.line)).toEqual(rows.map((r) => r.line));
        for (const [i, r] of raws.entries()) {
          expect(text.slice(r.endOffset - r.bytes.length, r.endOffset)).toBe(r.bytes.toString('latin1'));
          expect(r.bytes.toString('latin1').startsWith(rows[i]!.raw)).toBe(true);
          expect(r.nextLine).toBe(r.line + 1 + (rows[i]!.raw.match(/\n/g)?.length ?? 0));
        }
      }),
      { numRuns: 300 },
    );
  });
});
