import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flatFileConnectorSchema } from '../../../src/connectors/flat-file/flat-file-config.js';
import { createFlatFileConnector } from '../../../src/connectors/flat-file/flat-file-connector.js';
import { readCustomerCsvHeader } from '../../../src/connectors/customer-csv/customer-csv-reader.js';

/** The error reading a file with this content gives. */
async function readError(content: Buffer | string, encoding?: string): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'custsync-header-'));
  writeFileSync(join(folder, 'customer_20261101T020000.txt'), content);
  const connector = createFlatFileConnector('erp', flatFileConnectorSchema.parse({ type: 'flat-file', folder, ...(encoding ? { encoding } : {}) }));
  const [input] = await connector.listInputs();
  try {
    for await (const page of connector.read(input!, { pageSize: 10 })) void page;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the file was read without an error');
}

describe('a first line that is not a usable header says what it held', () => {
  it('calls a binary file not a text file, naming the byte', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(await readError(Buffer.concat([Buffer.from('GIF89a'), Buffer.from([0, 1, 2]), Buffer.from('\n')]))).toBe(
      'customer_20261101T020000.txt: not a text file: NUL bytes at byte 7 of the first line; the first line holds "GIF89a␀\\u0001\\u0002"',
    );
    expect(await readError(png)).toMatch(/^customer_20261101T020000\.txt: not a text file: bytes invalid in utf8 at byte 1 of the first line \(byte 0x89/);
  });

  it('names bytes invalid in the configured encoding', async () => {
    const message = await readError(Buffer.from([0x70, 0x72, 0x6f, 0x66, 0xff, 0xfe, 0x0a]));
    expect(message).toContain('not a text file: bytes invalid in utf8 at byte 5 of the first line');
  });

  it('quotes the first line of a header that is text but not the template', async () => {
    const message = await readError('hello world\nAcme|C1\n');
    expect(message).toContain('unusable header row:');
    expect(message).toContain('the first line holds "hello world"');
  });

  it('does the same for a bulk-import CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custsync-header-'));
    writeFileSync(join(dir, 'binary.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x0a]));
    await expect(readCustomerCsvHeader(join(dir, 'binary.csv'))).rejects.toThrow(/binary\.csv: not a text file: NUL bytes at byte 5 of the first line/);
    writeFileSync(join(dir, 'other.csv'), 'id,nom\n1,Acme\n');
    await expect(readCustomerCsvHeader(join(dir, 'other.csv'))).rejects.toThrow(/The first line holds "id,nom"/);
  });
});
