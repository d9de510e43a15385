import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import { formatReport } from '../../src/cli/format-report.js';
import type { RunReport } from '../../src/domain/run-types.js';
import { customerIdOf, dumpCustomerTables, type TableRows } from '../support/db-state.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { rowOf, writeSampleVariant } from '../support/sample-variants.js';
import { custsync } from '../support/run-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const LATER_DELTA = 'customer_20261101T050000_delta.txt';
const COLUMN = { addressType: 25, shippingLine1: 28, shippingCountry: 33, billingCity: 41, billingCountry: 44 } as const;

/** A template row with one column (0-based) set to a value. */
const withColumn = (row: string, column: number, value: string) =>
  row
    .split('|')
    .map((f, i) => (i === column ? value : f))
    .join('|');

/** The rows of every customer table that belong to one customer. */
const rowsOfCustomer = (state: TableRows, id: string): TableRows =>
  Object.fromEntries(Object.entries(state).map(([table, rows]) => [table, rows.filter((r) => String(r.customer_id ?? r.id) === id)]));

describe('a customer with a rejected row is left as it was', () => {
  let h: SyncHarness;
  let inbox: string;
  let before: TableRows;
  let c1001: string;

  beforeAll(async () => {
    inbox = inboxWith(SNAPSHOT);
    h = await startSyncHarness({
      connectors: {
        erp: { type: 'flat-file', folder: inbox, pattern: 'customer_*.txt', referenceData: join(SHARED_DATA, 'reference-data.json') },
      },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: TEMPLATE_ASPECTS } } },
    });
    expect((await h.run('erp')).totals).toMatchObject({ created: 4 });
    before = await dumpCustomerTables(h.db);
    c1001 = await customerIdOf(h.db, 'erp', 'C1001');
    // C1001's billing row moves it to Albany, its first shipping row holds a NUL byte and its second is gone;
    // C1002 moves to Malmö (both rows valid); C3001 is new, and one of its two rows lacks its country.
    writeSampleVariant(inbox, SNAPSHOT, LATER_DELTA, rowOf('C1001', 'C1002'), (row) => {
      if (row.includes('|C1001|') && row.includes('|B-1001|')) return withColumn(row, COLUMN.billingCity, 'Albany');
      if (row.includes('|S-1001-01|')) return withColumn(row, COLUMN.shippingLine1, '88 Spring\u0000St');
      if (row.includes('|C1002|') && row.split('|')[COLUMN.addressType] === 'B') return withColumn(row, COLUMN.billingCity, 'Malmö');
      return row;
    });
    const lines = readFileSync(join(inbox, LATER_DELTA), 'utf8').split('\n').filter((l) => l !== '');
    const s1001b = lines.findIndex((l) => l.includes('|S-1001-02|'));
    lines.splice(s1001b, 1);
    const newRows = lines
      .filter((l) => l.includes('|C1002|'))
      .map((l) => l.replace('|C1002|', '|C3001|').replace('Nordic Style AB', 'Fresh Start AB'));
    lines.push(newRows[0]!, withColumn(withColumn(newRows[1]!, COLUMN.shippingCountry, ''), COLUMN.billingCountry, ''));
    writeFileSync(join(inbox, LATER_DELTA), lines.join('\n') + '\n');
  });
  afterAll(async () => h?.close());

  const lineOf = (needle: string) => {
    const text = readFileSync(join(inbox, LATER_DELTA), 'utf8');
    return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  };

  it('a dry run shows the customer as not updated and the new one as not created', async () => {
    const report = await (await h.start('erp', { input: { dryRun: true } })).result();
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ updated: 1, created: 0 });
    expect(report.withheld.count).toBe(2);
    const text = formatReport(report);
    expect(text).toContain(`C1001 not updated: line ${lineOf('88 Spring')} rejected — shipping_address_1_1 (column 29) holds a NUL character`);
    expect(text).toMatch(/C3001 not created: line \d+ rejected — .*country/);
    expect(await dumpCustomerTables(h.db)).toEqual(before);
  });

  describe('then the run', () => {
    let report: RunReport;
    beforeAll(async () => {
      report = await h.run('erp');
    });

    it('changes nothing of C1001: no address removed, none added, no value changed', async () => {
      expect(report.status).toBe('completed');
      const after = await dumpCustomerTables(h.db);
      expect(rowsOfCustomer(after, c1001)).toEqual(rowsOfCustomer(before, c1001));
      const log = await h.db.db.selectFrom('change_log').select('change').where('customer_id', '=', c1001).where('run_id', '=', report.runId).execute();
      expect(log).toEqual([]);
    });

    it('still applies the valid customer and does not create the new one with a rejected row', async () => {
      expect(report.totals).toMatchObject({ updated: 1, created: 0 });
      const cities = await h.db.db
        .selectFrom('addresses')
        .select('city')
        .where('customer_id', '=', await customerIdOf(h.db, 'erp', 'C1002'))
        .where('address_type', '=', 'billing')
        .execute();
      expect(cities).toEqual([{ city: 'Malmö' }]);
      const created = await h.db.db.selectFrom('customers').select('source_id').where('source_id', '=', 'C3001').execute();
      expect(created).toEqual([]);
    });

    it('names the customers and their rejected lines in the report and in runs rejects', async () => {
      expect(report.withheld.sample.map((w) => [w.externalId, w.isNew, w.lines])).toEqual([
        ['C1001', false, [lineOf('88 Spring')]],
        ['C3001', true, [expect.any(Number)]],
      ]);
      const rejected = await h.db.db.selectFrom('rejected_records').selectAll().where('run_id', '=', report.runId).where('external_id', '=', 'C1001').execute();
      expect(rejected.map((r) => [r.source, r.field, r.raw?.includes('88 Spring\u2400St')])).toEqual([[LATER_DELTA, 'shipping_address_1_1', true]]);
      const csv = await custsync(['runs', 'rejects', report.runId], { DATABASE_URL: h.db.url });
      expect(csv.code).toBe(0);
      expect(csv.stdout).toContain(`1,${LATER_DELTA},${lineOf('88 Spring')},C1001,not updated,shipping_address_1_1,`);
      expect(csv.stdout).toMatch(/,C3001,not created,/);
    });

    it('never marks the withheld customer missing from a later full snapshot that rejects its rows', async () => {
      writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T060000.txt', () => true, (row) =>
        row.includes('|C1003|') ? withColumn(row, COLUMN.shippingLine1, 'Ginza\u0000') : row,
      );
      const full = await h.run('erp');
      expect(full.status).toBe('completed');
      expect(full.withheld.sample.map((w) => w.externalId)).toEqual(['C1003']);
      expect(full.deletion).toMatchObject({ candidates: 0, markedMissing: 0 });
      const c1003 = await h.db.db.selectFrom('customers').select(['missing_since', 'deleted_at']).where('source_id', '=', 'C1003').executeTakeFirstOrThrow();
      expect(c1003).toEqual({ missing_since: null, deleted_at: null });
    });

    it('marks nothing missing from a full snapshot whose run fails', async () => {
      writeFileSync(join(inbox, 'customer_20261101T070000.txt'), 'name|code\nAcme|C1001\n');
      const failed = await h.run('erp').catch((error: unknown) => error as Error);
      expect(failed).toBeInstanceOf(Error);
      const missing = await h.db.db.selectFrom('customers').select('source_id').where('missing_since', 'is not', null).execute();
      expect(missing).toEqual([]);
      const marked = await h.db.db.selectFrom('change_log').select('change').where('change', 'in', ['missing', 'deleted']).execute();
      expect(marked).toEqual([]);
    });
  });
});

describe('values the database cannot store, from a JSON source', () => {
  let h: SyncHarness;
  let report: RunReport;

  beforeAll(async () => {
    const dir = inboxWith();
    const path = join(dir, 'people.jsonl');
    const person = (id: string, firstName: string) => JSON.stringify({ externalId: id, type: 'PERSON', name: { firstName, lastName: 'Doe' } });
    // JSON escapes: a NUL, an unpaired surrogate; both parse into strings PostgreSQL refuses.
    writeFileSync(path, [person('P-1', 'Ann'), person('P-2', 'B\u0000b'), person('P-3', 'C\ud800'), person('P-4', 'Dee')].join('\n') + '\n');
    h = await startSyncHarness({
      connectors: { people: { type: 'jsonl-file', path } },
      flows: { people: { source: { type: 'connector', connector: 'people', aspects: ['name'] } } },
    });
    report = await h.run('people');
  });
  afterAll(async () => h?.close());

  it('rejects each such record with its line and field, and syncs the rest at once', async () => {
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ created: 2, rejected: 2 });
    expect(report.rejectedSample.map((r) => [r.line, r.externalId, r.field])).toEqual([
      [2, 'P-2', 'name.firstName'],
      [3, 'P-3', 'name.firstName'],
    ]);
    expect(report.rejectedSample[0]!.reason).toBe('name.firstName holds a NUL character (U+0000) at character 2, which the database cannot store');
    expect(report.rejectedSample[1]!.reason).toContain('unpaired UTF-16 surrogate');
    const names = await h.db.db.selectFrom('customers').select('source_id').orderBy('source_id').execute();
    expect(names.map((n) => n.source_id)).toEqual(['P-1', 'P-4']);
  });
});
