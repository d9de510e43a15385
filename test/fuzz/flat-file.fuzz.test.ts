import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { flatFileConnectorSchema } from '../../src/connectors/flat-file/flat-file-config.js';
import { createFlatFileConnector } from '../../src/connectors/flat-file/flat-file-connector.js';
import { readCustomerCsv } from '../../src/connectors/customer-csv/customer-csv-reader.js';
import { CUSTOMER_CSV_COLUMN_NAMES } from '../../src/connectors/customer-csv/customer-csv-columns.js';
import { InputError } from '../../src/connectors/input-error.js';
import { SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { expectAccountedFor, readAll } from './accounted-for.js';
import { FUZZ_TIMEOUT_MS, fuzzRuns, lineMutationArb, mutateLine } from './fuzz-settings.js';

const work = mkdtempSync(join(tmpdir(), 'custsync-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const [HEADER, ...ROWS] = readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').split('\n').filter((l) => l !== '');
const REFERENCE = join(SHARED_DATA, 'reference-data.json');
const FILE = 'customer_20261101T020000.txt';

let caseNo = 0;
/** Reads bytes as a flat file through the connector: every page, or the error that ended the input. */
async function readFlatFile(bytes: Buffer) {
  const folder = join(work, `flat-${++caseNo}`);
  mkdirSync(folder);
  writeFileSync(join(folder, FILE), bytes);
  // Written a minute ago: a file modified this very millisecond may still be being written.
  utimesSync(join(folder, FILE), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  const connector = createFlatFileConnector('erp', flatFileConnectorSchema.parse({ type: 'flat-file', folder, referenceData: REFERENCE }));
  const [input] = await connector.listInputs();
  const result = await readAll(connector.read(input!, { pageSize: 3 }));
  rmSync(folder, { recursive: true, force: true });
  return result;
}

/** A template file: the header, then sample rows, some mutated. */
const templateFileArb = fc
  .array(fc.record({ row: fc.nat({ max: ROWS.length - 1 }), mutations: fc.array(lineMutationArb, { maxLength: 2 }) }), { minLength: 1, maxLength: 12 })
  .map((rows) => {
    const lines = rows.map(({ row, mutations }) => mutations.reduce<Buffer>((line, m) => mutateLine(line.toString('utf8'), m, '|'), Buffer.from(ROWS[row]!)));
    return Buffer.concat([Buffer.from(`${HEADER}\n`), ...lines.flatMap((l) => [l, Buffer.from('\n')])]);
  });

describe('fuzzing the flat-file reader and the template rules', () => {
  it('reads mutated template rows into storable records or rejects that say where and why', async () => {
    await fc.assert(
      fc.asyncProperty(templateFileArb, async (bytes) => {
        const { pages, error } = await readFlatFile(bytes);
        if (error !== undefined) {
          // Only the file as a whole may fail, and only as input that no retry fixes, naming the file.
          expect(error).toBeInstanceOf(InputError);
          expect((error as Error).message).toContain(FILE);
        }
        expectAccountedFor(pages, FILE);
        const read = pages.reduce((n, p) => n + p.read, 0);
        const rejected = pages.reduce((n, p) => n + p.rejects.length, 0);
        expect(rejected).toBeLessThanOrEqual(read);
      }),
      fuzzRuns(150),
    );
  }, FUZZ_TIMEOUT_MS);

  it('turns random bytes into a clear input error or rejects, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), async (random, withHeader) => {
        const bytes = Buffer.concat([withHeader ? Buffer.from(`${HEADER}\n`) : Buffer.alloc(0), Buffer.from(random)]);
        const { pages, error } = await readFlatFile(bytes);
        if (error !== undefined) {
          expect(error, (error as Error).stack).toBeInstanceOf(InputError);
          expect((error as Error).message).toContain(FILE);
        }
        expectAccountedFor(pages, FILE);
      }),
      fuzzRuns(150),
    );
  }, FUZZ_TIMEOUT_MS);
});

describe('fuzzing the bulk-import CSV', () => {
  const header = ['source_id', 'type', 'company_name', 'first_name', 'last_name', 'email', 'country'].filter((c) =>
    (CUSTOMER_CSV_COLUMN_NAMES as readonly string[]).includes(c),
  );
  const rowArb = fc.tuple(fc.string({ maxLength: 12 }), fc.constantFrom('PERSON', 'COMPANY', 'person', ''), fc.string({ maxLength: 20 }));

  it('reads mutated rows into storable records or rejects with their line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ row: rowArb, mutations: fc.array(lineMutationArb, { maxLength: 2 }) }), { maxLength: 10 }), async (rows) => {
        const lines = rows.map(({ row: [id, type, name], mutations }) => {
          const cells = header.map((c) => (c === 'source_id' ? id : c === 'type' ? type : c === 'company_name' || c === 'first_name' ? name : ''));
          const line = cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(',');
          return mutations.reduce<Buffer>((l, m) => mutateLine(l.toString('utf8'), m, ','), Buffer.from(line));
        });
        const path = join(work, `import-${++caseNo}.csv`);
        writeFileSync(path, Buffer.concat([Buffer.from(`${header.join(',')}\n`), ...lines.flatMap((l) => [l, Buffer.from('\n')])]));
        const { pages, error } = await readAll(readCustomerCsv(path, 'import.csv', { pageSize: 4 }));
        rmSync(path);
        if (error !== undefined) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as Error).message).toMatch(/import-\d+\.csv|line \d+/);
        }
        expectAccountedFor(pages, 'import.csv');
      }),
      fuzzRuns(150),
    );
  }, FUZZ_TIMEOUT_MS);
});
