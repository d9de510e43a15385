import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import { formatPreview } from '../../src/cli/format-preview.js';
import type { RunReport } from '../../src/domain/run-types.js';
import { customerIdOf, dumpCustomerTables, rowsNotOf, type TableRows } from '../support/db-state.js';
import { BAD_ROWS, DELTA, dropInto, inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { custsync } from '../support/run-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const ERP_ASPECTS = TEMPLATE_ASPECTS;

describe('flat-file source through Temporal into PostgreSQL', () => {
  let h: SyncHarness;
  let snapshotReport: RunReport;
  let inbox: string;

  beforeAll(async () => {
    inbox = inboxWith(SNAPSHOT);
    h = await startSyncHarness({
      connectors: {
        erp: {
          type: 'flat-file',
          folder: inbox,
          pattern: 'customer_*.txt',
          // The bad-rows sample holds a few customers only: a delta, not a snapshot lacking all the others.
          deltaPattern: '*_{delta,badrows}*',
          referenceData: join(SHARED_DATA, 'reference-data.json'),
        },
      },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ERP_ASPECTS }, chunkSize: 2 } },
    });
    snapshotReport = await h.run('erp');
  });
  afterAll(async () => h?.close());

  const addressesOf = async (code: string) =>
    h.db.db
      .selectFrom('addresses')
      .selectAll()
      .where('customer_id', '=', await customerIdOf(h.db, 'erp', code))
      .orderBy('item_key')
      .execute();
  const attributesOf = async (code: string) => {
    const rows = await h.db.db
      .selectFrom('customer_attributes')
      .select(['key', 'value'])
      .where('customer_id', '=', await customerIdOf(h.db, 'erp', code))
      .execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  };

  it('reads the snapshot as a full input and creates exactly the four snapshot customers', async () => {
    expect(snapshotReport.status).toBe('completed');
    expect(snapshotReport.mode).toBe('full');
    expect(snapshotReport.steps[0]!.inputDetails).toEqual([
      { name: SNAPSHOT, kind: 'full', status: 'applied', read: 8, rejected: 0, warnings: [] },
    ]);
    expect(snapshotReport.steps[0]).toMatchObject({ inputs: [SNAPSHOT], read: 8, staged: 4, rejected: 0 });
    expect(snapshotReport.totals).toMatchObject({ customers: 4, created: 4, updated: 0, unchanged: 0, rejected: 0 });
    const customers = await h.db.db
      .selectFrom('customers')
      .select(['source_id', 'type', 'company_name', 'source_connector'])
      .orderBy('source_id')
      .execute();
    expect(customers).toEqual([
      { source_id: 'C1001', type: 'COMPANY', company_name: 'Acme Boutique', source_connector: 'erp' },
      { source_id: 'C1002', type: 'COMPANY', company_name: 'Nordic Style AB', source_connector: 'erp' },
      { source_id: 'C1003', type: 'COMPANY', company_name: 'Tokyo Select K.K.', source_connector: 'erp' },
      { source_id: 'C1004', type: 'COMPANY', company_name: 'Smith & Sons "Outfitters"', source_connector: 'erp' },
    ]);
  });

  it('stores C1001 with its addresses, buyers and attributes as the sample describes', async () => {
    const addresses = await addressesOf('C1001');
    expect(addresses.map((a) => [a.address_type, a.code, a.name, a.city])).toEqual([
      ['billing', 'B-1001', 'Acme Boutique AP', 'New York'],
      ['shipping', 'S-1001-01', 'Acme SoHo', 'New York'],
      ['shipping', 'S-1001-02', 'Acme Boutique', 'Boston'],
    ]);
    const id = await customerIdOf(h.db, 'erp', 'C1001');
    const doors = await h.db.db
      .selectFrom('address_attributes')
      .select(['address_key', 'value'])
      .where('customer_id', '=', id)
      .where('key', '=', 'createDoors')
      .orderBy('address_key')
      .execute();
    expect(doors).toEqual([
      { address_key: 'code:S-1001-01', value: true },
      { address_key: 'code:S-1001-02', value: true },
    ]);
    const buyers = await h.db.db
      .selectFrom('contact_persons')
      .select(['full_name', 'email', 'connector', 'run_id'])
      .where('customer_id', '=', id)
      .orderBy('full_name')
      .execute();
    expect(buyers).toEqual([
      { full_name: 'Jane Roe', email: 'jane.roe@acme.example', connector: 'erp', run_id: snapshotReport.runId },
      { full_name: 'Sam Poe', email: 'sam.poe@acme.example', connector: 'erp', run_id: snapshotReport.runId },
    ]);
    expect(await attributesOf('C1001')).toEqual({
      customerAlias: 'Acme',
      alternateName: 'Acme NYC',
      companyNumber: 'AH01',
      customerGroup: 'DS',
      discount: 10,
      discountLineItemLevel: true,
      salesRep: 'SR07',
      'warehouse:WH-E': 'WH-E',
      'paymentTerms:NET30': 'NET30',
      'shippingTerms:FOB': 'FOB',
      'priceType:USD/US Dollar': 'US Dollar',
      'priceType:EUR/Euro Wholesale': 'Euro Wholesale',
    });
  });

  it('reports every customer unchanged and writes no row when the same file runs again', async () => {
    const before = await dumpCustomerTables(h.db);
    const again = await h.run('erp', { inputs: [SNAPSHOT] });
    expect(again.steps[0]!.inputs).toEqual([SNAPSHOT]);
    expect(again.totals).toMatchObject({ customers: 4, created: 0, updated: 0, unchanged: 4 });
    expect(await dumpCustomerTables(h.db)).toEqual(before);
  });

  it('keeps UTF-8, the Japanese alternate name, quoted names and default billing names', async () => {
    const nordic = await addressesOf('C1002');
    expect(nordic.map((a) => [a.code, a.city, a.state, a.country])).toEqual([
      ['B-1002', 'Stockholm', null, 'SE'],
      ['S-1002-01', 'Göteborg', null, 'SE'],
    ]);
    const tokyo = await attributesOf('C1003');
    expect(tokyo).toMatchObject({ alternateName: '東京セレクト', discount: 5, discountLineItemLevel: false });
    expect((await addressesOf('C1003')).every((a) => a.state === 'Tokyo')).toBe(true);
    const smith = await addressesOf('C1004');
    expect(smith).toHaveLength(1);
    expect(smith[0]).toMatchObject({ code: 'B-1004', name: 'Smith & Sons "Outfitters"', state: 'VT' });
  });

  describe('a dry run of the delta file', () => {
    it('prints every creation and update field by field, writes no customer and leaves the file pending', async () => {
      dropInto(inbox, DELTA);
      const before = await dumpCustomerTables(h.db);
      const report = await (await h.start('erp', { input: { dryRun: true } })).result();
      expect(report).toMatchObject({ dryRun: true, status: 'completed', mode: 'delta' });
      expect(report.totals).toMatchObject({ created: 1, updated: 1 });
      expect(await dumpCustomerTables(h.db)).toEqual(before);
      const preview = await formatPreview(h.db.db, report.runId);
      expect(preview).toContain('would change (nothing was written):');
      expect(preview).toContain('  create C1005');
      expect(preview).toContain(
        [
          '  update C1001',
          '    ~ addresses code:B-1001 line2: Floor 3 → Floor 4',
          '    + addresses code:S-1001-03: zip=60611 city=Chicago code=S-1001-03 name=Acme Chicago type=shipping line1=900 N Michigan Ave state=IL country=US',
          '    ~ customerAttributes discount: 10 → 15',
          '    - customerAttributes paymentTerms:NET30: NET30',
          '    + customerAttributes paymentTerms:NET45: NET45',
          '    + addressAttributes code:S-1001-03|createDoors: true',
        ].join('\n'),
      );
      expect(preview).toContain('    + customerAttributes customerAlias: Windy Peak');
      const pending = await h.db.db.selectFrom('connector_inputs').select('name').where('name', '=', DELTA).execute();
      expect(pending).toEqual([]);
    });
  });

  describe('then the delta file', () => {
    let before: TableRows;
    let deltaReport: RunReport;
    beforeAll(async () => {
      before = await dumpCustomerTables(h.db);
      dropInto(inbox, DELTA);
      deltaReport = await h.run('erp');
    });

    it('applies exactly the listed changes to C1001 and creates C1005', async () => {
      expect(deltaReport.steps[0]).toMatchObject({ inputs: [DELTA], read: 5, staged: 2, matched: 1 });
      expect(deltaReport.mode).toBe('delta');
      expect(deltaReport.steps[0]!.inputDetails).toMatchObject([{ name: DELTA, kind: 'delta', status: 'applied' }]);
      expect(deltaReport.totals).toMatchObject({ customers: 2, created: 1, updated: 1, unchanged: 0 });
      expect(await attributesOf('C1001')).toMatchObject({ discount: 15, 'paymentTerms:NET45': 'NET45' });
      expect(await attributesOf('C1001')).not.toHaveProperty(['paymentTerms:NET30']);
      const addresses = await addressesOf('C1001');
      expect(addresses.map((a) => [a.code, a.line2 ?? null, a.city])).toEqual([
        ['B-1001', 'Floor 4', 'New York'],
        ['S-1001-01', null, 'New York'],
        ['S-1001-02', null, 'Boston'],
        ['S-1001-03', null, 'Chicago'],
      ]);
      const windy = await h.db.db
        .selectFrom('customers')
        .select(['company_name', 'created_run_id'])
        .where('source_id', '=', 'C1005')
        .executeTakeFirstOrThrow();
      expect(windy).toEqual({ company_name: 'Windy Peak Outdoor', created_run_id: deltaReport.runId });
    });

    it('touches no row of any customer it does not list', async () => {
      const after = await dumpCustomerTables(h.db);
      const changed = new Set([await customerIdOf(h.db, 'erp', 'C1001'), await customerIdOf(h.db, 'erp', 'C1005')]);
      expect(rowsNotOf(after, changed)).toEqual(rowsNotOf(before, changed));
    });

    it('keeps the provenance of unchanged C1001 items at the run that set them', async () => {
      const id = await customerIdOf(h.db, 'erp', 'C1001');
      const rows = await h.db.db
        .selectFrom('addresses')
        .select(['code', 'run_id'])
        .where('customer_id', '=', id)
        .orderBy('code')
        .execute();
      expect(rows).toEqual([
        { code: 'B-1001', run_id: deltaReport.runId },
        { code: 'S-1001-01', run_id: snapshotReport.runId },
        { code: 'S-1001-02', run_id: snapshotReport.runId },
        { code: 'S-1001-03', run_id: deltaReport.runId },
      ]);
    });

    it('reports both customers unchanged and writes no customer row when the delta runs again', async () => {
      const beforeAgain = await dumpCustomerTables(h.db);
      const again = await h.run('erp', { inputs: [DELTA] });
      expect(again.totals).toMatchObject({ customers: 2, created: 0, updated: 0, unchanged: 2 });
      expect(await dumpCustomerTables(h.db)).toEqual(beforeAgain);
    });
  });

  describe('then the bad-rows file', () => {
    let report: RunReport;
    beforeAll(async () => {
      dropInto(inbox, BAD_ROWS);
      report = await h.run('erp');
    });

    it('rejects each bad row with its line and reason and still syncs the valid row', async () => {
      expect(report.status).toBe('completed');
      expect(report.steps[0]).toMatchObject({ inputs: [BAD_ROWS], read: 9, staged: 1, rejected: 8 });
      expect(report.totals).toMatchObject({ created: 1, rejected: 8 });
      expect(report.rejectedSample.map((r) => [r.line, r.externalId, r.reason])).toEqual([
        [2, 'C2001', 'shipping_state_1 is required when shipping_country_1 is CA'],
        [3, 'C2002', 'profile_name is required'],
        [4, 'C2003', 'buyer_email_1 is required when buyer_name_1 is given'],
        [5, 'C2004', 'discount_line_item_level is required when discount is given'],
        [6, 'C2005', 'price type XXX / Mystery Money is not in the reference data'],
        [7, 'C2006', 'sales rep SR99 is not in the reference data'],
        [8, 'C2009', 'profile_name is longer than 100 characters (101)'],
        [10, 'C2007', 'row has 4 columns where the header has 45'],
      ]);
      const good = await h.db.db
        .selectFrom('customers')
        .select('company_name')
        .where('source_id', '=', 'C2008')
        .executeTakeFirstOrThrow();
      expect(good.company_name).toBe('Good Row Among Bad');
      const bad = await h.db.db.selectFrom('customers').select('source_id').where('source_id', 'like', 'C200%').execute();
      expect(bad.map((b) => b.source_id)).toEqual(['C2008']);
    });

    it('exports every rejected record as CSV with file, line, customer code, field and reason', async () => {
      const { stdout } = await custsync(['runs', 'rejects', report.runId], { DATABASE_URL: h.db.url });
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('step,source,line,customer_code,customer,field,reason,raw');
      expect(lines).toHaveLength(9);
      expect(lines[1]).toMatch(/^1,customer_20261101T040000_badrows\.txt,2,C2001,not created,shipping_state_1,shipping_state_1 is required when shipping_country_1 is CA,Maple Goods\|C2001\|/);
      const json = await custsync(['runs', 'rejects', report.runId, '--json'], { DATABASE_URL: h.db.url });
      expect((JSON.parse(json.stdout) as { customer_code: string }[]).map((r) => r.customer_code)).toEqual([
        'C2001', 'C2002', 'C2003', 'C2004', 'C2005', 'C2006', 'C2009', 'C2007',
      ]);
    });

    it('has no file left to process afterwards and says so', async () => {
      const idle = await h.run('erp');
      expect(idle.steps[0]!.inputs).toEqual([]);
      expect(idle.totals).toMatchObject({ customers: 0, created: 0, updated: 0 });
    });
  });
});
