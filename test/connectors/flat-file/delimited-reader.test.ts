import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DelimitedParseError,
  readDelimitedRows,
  readHeaderRow,
  type DelimitedReaderOptions,
  type DelimitedRow,
} from '../../../src/connectors/flat-file/delimited-reader.js';
import { SNAPSHOT_FILE, sampleDataDir, samplePath } from './sample-files.js';

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'delimited-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(content: string | Buffer): Promise<string> {
  const path = join(dir, `file-${++counter}.txt`);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string, options: DelimitedReaderOptions = {}): Promise<DelimitedRow[]> {
  const rows: DelimitedRow[] = [];
  for await (const row of readDelimitedRows(path, options)) rows.push(row);
  return rows;
}

describe('readDelimitedRows', () => {
  it('finds the shared sample folder beside the repository', () => {
    expect(existsSync(join(sampleDataDir, 'README.md'))).toBe(true);
  });

  it('splits pipe-delimited rows and reports lines, offsets and raw text', async () => {
    const path = await fileWith('a|b|c\n1||3\n');
    const rows = await readAll(path);
    expect(rows).toEqual([
      { fields: ['a', 'b', 'c'], line: 1, endOffset: 6, raw: 'a|b|c' },
      { fields: ['1', '', '3'], line: 2, endOffset: 11, raw: '1||3' },
    ]);
  });

  it('handles quoted fields with doubled quotes, delimiters and line breaks inside quotes', async () => {
    const path = await fileWith('"Smith & Sons ""Outfitters"""|"a|b"|"two\nlines"|x\nnext|row|here|y\n');
    const rows = await readAll(path);
    expect(rows.map((r) => r.fields)).toEqual([
      ['Smith & Sons "Outfitters"', 'a|b', 'two\nlines', 'x'],
      ['next', 'row', 'here', 'y'],
    ]);
    expect(rows[0]!.line).toBe(1);
    expect(rows[0]!.raw).toBe('"Smith & Sons ""Outfitters"""|"a|b"|"two\nlines"|x');
    expect(rows[1]!.line).toBe(3);
  });

  it('keeps text after a closing quote and treats quotes inside unquoted fields literally', async () => {
    const rows = await readAll(await fileWith('"ab"cd|x"y|""\n'));
    expect(rows[0]!.fields).toEqual(['abcd', 'x"y', '']);
  });

  it('handles CRLF line endings, including CR inside quotes', async () => {
    const path = await fileWith('a|b\r\n"x\r\ny"|z\r\nlast|\r\n');
    const rows = await readAll(path);
    expect(rows.map((r) => r.fields)).toEqual([['a', 'b'], ['x\r\ny', 'z'], ['last', '']]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(rows.map((r) => r.endOffset)).toEqual([5, 15, 22]);
    expect(rows[2]!.raw).toBe('last|');
  });

  it('skips a UTF-8 BOM at the start of the file but counts its bytes', async () => {
    const path = await fileWith('\uFEFFname|city\nAB|Göteborg\n');
    const rows = await readAll(path, { highWaterMark: 1 });
    expect(rows[0]!.fields).toEqual(['name', 'city']);
    expect(rows[0]!.endOffset).toBe(3 + 'name|city\n'.length);
    expect(rows[1]!.fields).toEqual(['AB', 'Göteborg']);
  });

  it('ignores a trailing empty line and reads a last row without a terminator', async () => {
    expect((await readAll(await fileWith('a|b\n\n'))).map((r) => r.fields)).toEqual([['a', 'b']]);
    const rows = await readAll(await fileWith('a|b\nc|d'));
    expect(rows.map((r) => r.fields)).toEqual([['a', 'b'], ['c', 'd']]);
    expect(rows[1]!.endOffset).toBe(7);
  });

  it('decodes multi-byte characters split across tiny chunks with exact byte offsets', async () => {
    const content = 'Tokyo|東京セレクト|"Göteborg, ""väst"""\n😀|ö|é\n';
    const path = await fileWith(content);
    const expected = await readAll(path);
    expect(expected.map((r) => r.fields)).toEqual([
      ['Tokyo', '東京セレクト', 'Göteborg, "väst"'],
      ['😀', 'ö', 'é'],
    ]);
    expect(expected[0]!.endOffset).toBe(Buffer.byteLength(content.split('\n')[0]!) + 1);
    expect(expected[1]!.endOffset).toBe(Buffer.byteLength(content));
    for (const highWaterMark of [1, 2, 3, 5, 7]) {
      expect(await readAll(path, { highWaterMark })).toEqual(expected);
    }
  });

  it('resumes from an endOffset with exactly the remaining rows', async () => {
    const path = samplePath(SNAPSHOT_FILE);
    const all = await readAll(path);
    expect(all).toHaveLength(9);
    for (const [index, row] of all.entries()) {
      const rest = await readAll(path, { startOffset: row.endOffset, startLine: row.line + 1, highWaterMark: 64 });
      expect(rest).toEqual(all.slice(index + 1));
    }
  });

  it('stops reading when the consumer stops', async () => {
    const path = await fileWith('a\nb\nc\n');
    const seen: string[] = [];
    for await (const row of readDelimitedRows(path)) {
      seen.push(row.fields[0]!);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['a', 'b']);
  });

  it('supports other delimiters, quotes and ISO-8859-1', async () => {
    const path = await fileWith(Buffer.from("'a;b';G\xf6teborg\n", 'latin1'));
    const rows = await readAll(path, { delimiter: ';', quote: "'", encoding: 'iso-8859-1' });
    expect(rows[0]!.fields).toEqual(['a;b', 'Göteborg']);
  });

  it('reads Windows-1252 as Windows-1252: € ‘ ’ – — and accented letters', async () => {
    // "Café Müller – ‘Bäckerei’ €5" in Windows-1252, a quoted field with the delimiter, then plain ASCII.
    const bytes = Buffer.from([
      ...Buffer.from('Caf'), 0xe9, ...Buffer.from(' M'), 0xfc, ...Buffer.from('ller '), 0x96, ...Buffer.from(' '), 0x91,
      ...Buffer.from('B'), 0xe4, ...Buffer.from('ckerei'), 0x92, ...Buffer.from(' '), 0x80, ...Buffer.from('5|"x|'), 0x97,
      ...Buffer.from('"|plain\nnext|row|ok\n'),
    ]);
    const rows = await readAll(await fileWith(bytes), { encoding: 'windows-1252', highWaterMark: 7 });
    expect(rows.map((r) => r.fields)).toEqual([
      ['Café Müller – ‘Bäckerei’ €5', 'x|—', 'plain'],
      ['next', 'row', 'ok'],
    ]);
    expect(rows.every((r) => r.undecodable === undefined)).toBe(true);
    expect(rows[1]!.endOffset).toBe(bytes.length);
  });

  it('never stores undecodable bytes: the row names the field and why, the value stays empty', async () => {
    const win1252 = Buffer.from([...Buffer.from('ok|Caf'), 0xe9, ...Buffer.from('|x\nfine|row|y\n')]);
    const asUtf8 = await readAll(await fileWith(win1252));
    expect(asUtf8[0]!.fields).toEqual(['ok', '', 'x']);
    expect(asUtf8[0]!.undecodable).toEqual({
      field: 1,
      reason: 'byte 0xE9 at position 4 of the value is not valid UTF-8 (is the file Windows-1252 or ISO-8859-1? set the connector\'s encoding)',
    });
    expect(asUtf8[1]).toMatchObject({ fields: ['fine', 'row', 'y'] });
    expect(asUtf8[1]!.undecodable).toBeUndefined();

    const smartQuote = Buffer.from([...Buffer.from('a|'), 0x92, ...Buffer.from('s\n')]);
    const asLatin1 = await readAll(await fileWith(smartQuote), { encoding: 'iso-8859-1' });
    expect(asLatin1[0]!.undecodable?.reason).toMatch(/^byte 0x92 is a control character in ISO-8859-1; the file is probably Windows-1252/);

    const undefinedByte = Buffer.from([...Buffer.from('a|b'), 0x81, 0x0a]);
    const asWin1252 = await readAll(await fileWith(undefinedByte), { encoding: 'windows-1252' });
    expect(asWin1252[0]!.undecodable).toEqual({
      field: 1,
      reason: 'byte 0x81 is not a Windows-1252 character (is the file UTF-8? set the connector\'s encoding)',
    });

    const utf8 = await readAll(await fileWith('Göteborg|東京|\uFFFD\n'));
    expect(utf8[0]!.fields).toEqual(['Göteborg', '東京', '\uFFFD']);
    expect(utf8[0]!.undecodable).toBeUndefined();
  });

  it('fails clearly on an unterminated quote, an oversized row and bad options', async () => {
    await expect(readAll(await fileWith('a|b\n"open|c\nd\n'))).rejects.toThrow(
      /quoted field starting on line 2 is not terminated/,
    );
    await expect(readAll(await fileWith('"' + 'x'.repeat(100)), { maxRowBytes: 10, highWaterMark: 16 })).rejects.toThrow(
      /row starting on line 1 is longer than 10 bytes/,
    );
    await expect(readAll(await fileWith('a'), { delimiter: '||' })).rejects.toBeInstanceOf(DelimitedParseError);
    await expect(readAll(await fileWith('a'), { encoding: 'utf16le' as never })).rejects.toThrow(/not supported/);
  });
});

describe('readHeaderRow', () => {
  it('returns the header row and where the data rows start', async () => {
    const path = samplePath(SNAPSHOT_FILE);
    const { row, endOffset } = await readHeaderRow(path);
    expect(row.line).toBe(1);
    expect(row.fields).toHaveLength(45);
    expect(row.fields[0]).toBe('profile_name');
    const data = await readAll(path, { startOffset: endOffset, startLine: 2 });
    expect(data).toHaveLength(8);
    expect(data[0]!.line).toBe(2);
  });

  it('rejects an empty file', async () => {
    await expect(readHeaderRow(await fileWith(''))).rejects.toThrow(/no header row/);
  });
});
