import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/run-types.js';
import { custsync } from '../support/run-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const HEADER = 'source_id,type,first_name,last_name,company_name,email,address_line1,address_city,address_country,vat_number,parent_source_id';

describe('custsync import: a bulk upsert by source id from CSV', () => {
  let h: SyncHarness;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const csv = (name: string, ...lines: string[]) => {
    const file = join(dir, name);
    writeFileSync(file, [HEADER, ...lines].join('\n') + '\n');
    return file;
  };
  const importFile = async (file: string, ...args: string[]) => {
    const result = await custsync(['import', file, '--json', ...args], env);
    return { ...result, report: result.code === 0 ? (JSON.parse(result.stdout) as RunReport) : undefined };
  };
  const customer = (sourceId: string) =>
    h.db.db.selectFrom('customers').selectAll().where('source_connector', '=', 'import').where('source_id', '=', sourceId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    h = await startSyncHarness({ connectors: {}, flows: {} });
    dir = mkdtempSync(join(tmpdir(), 'custsync-import-'));
    env = { DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.temporal.address, CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue };
  });
  afterAll(async () => h?.close());

  it('creates customers and rejects bad rows with their line and every reason', async () => {
    const file = csv(
      'first.csv',
      'P-1,PERSON,Kari,Nordmann,,kari@example.no,"Storgata 1, 3rd floor",Oslo,no,,',
      'C-1,COMPANY,,,Fjord AS,post@fjord.no,Kaia 2,Bergen,NO,NO999,',
      'C-2,company,,,Fjord Nord,,,,,,C-1',
      'X-1,ROBOT,,,,not-an-email,,,,,',
      'P-1,PERSON,Kari,Again,,,,,,,',
      'X-2,PERSON,Per,,,,,,NOR,,',
    );
    const { code, report, stderr } = await importFile(file);
    expect(stderr).toMatch(/started import\/import\//);
    expect(code).toBe(0);
    // P-1 is on two lines: which one is right cannot be told, so neither is applied.
    expect(report!.totals).toMatchObject({ created: 2, updated: 0, unchanged: 0, rejected: 3 });
    expect(report!.rejectedSample.map((r) => [r.line, r.field, r.reason])).toEqual([
      [5, 'type, email', 'type: "ROBOT" is neither PERSON nor COMPANY; email: "not-an-email" is not an email address'],
      [6, 'source_id', 'source_id: P-1 is already on line 2; one row per customer'],
      [7, 'address_country', 'address_country: "NOR" is not a two-letter country code'],
    ]);
    expect(report!.withheld.sample.map((w) => [w.externalId, w.isNew, w.lines])).toEqual([
      ['P-1', true, [6]],
      ['X-1', true, [5]],
      ['X-2', true, [7]],
    ]);
    const created = await h.db.db.selectFrom('customers').select('source_id').orderBy('source_id').execute();
    expect(created.map((c) => c.source_id)).toEqual(['C-1', 'C-2']);
    expect((await customer('C-2')).parent_customer_id).toBe((await customer('C-1')).id);
    expect((await customer('C-1')).is_parent_company).toBe(true);
  });

  it('reports created, updated and unchanged on the next import', async () => {
    const file = csv(
      'second.csv',
      'P-1,PERSON,Kari,Nordmann,,kari@example.no,"Storgata 1, 3rd floor",Oslo,no,,',
      'C-1,COMPANY,,,Fjord AS,post@fjord.no,Kaia 2,Bergen,NO,NO999,',
      'C-2,COMPANY,,,Fjord Nord AS,,,,,,C-1',
    );
    const { report } = await importFile(file);
    expect(report!.totals).toMatchObject({ created: 1, updated: 1, unchanged: 1, rejected: 0 });
    expect(await customer('P-1')).toMatchObject({ type: 'PERSON', first_name: 'Kari', last_name: 'Nordmann' });
    const address = await h.db.db.selectFrom('addresses').select(['line1', 'city', 'country']).where('customer_id', '=', (await customer('P-1')).id).execute();
    expect(address).toEqual([{ line1: 'Storgata 1, 3rd floor', city: 'Oslo', country: 'NO' }]);
    expect((await customer('C-2')).company_name).toBe('Fjord Nord AS');
  });

  it('rejects a row that would change a customer’s source id and leaves the customer unchanged', async () => {
    const kari = await customer('P-1');
    const file = join(dir, 'with-ids.csv');
    writeFileSync(file, ['id,source_id,first_name,last_name', `${kari.id},P-1,Kari,Lund`, `${kari.id},P-99,Kari,Moe`].join('\n'));
    const { report } = await importFile(file);
    expect(report!.totals).toMatchObject({ updated: 1, rejected: 1 });
    expect(report!.rejectedSample).toMatchObject([
      {
        line: 3,
        externalId: 'P-99',
        field: 'source_id',
        reason: `source_id is immutable: customer ${kari.id} has source id import:P-1; this record would change it to import:P-99. The customer was left unchanged`,
      },
    ]);
    expect(await customer('P-1')).toMatchObject({ source_id: 'P-1', last_name: 'Lund', first_name: 'Kari' });
    expect(await h.db.db.selectFrom('customers').select('id').where('source_id', '=', 'P-99').execute()).toEqual([]);
  });

  it('imports as another connector, previews with --dry-run, reads a UTF-8 BOM, and leaves aspects without columns as they are', async () => {
    const bom = join(dir, 'bom.csv');
    writeFileSync(bom, `\uFEFF${HEADER}\nE-1,COMPANY,,,Ørsted Lager AS,lager@example.no,Havnegata 9,Ålesund,NO,NO123,\n`);
    const dry = await importFile(bom, '--as', 'erp', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.report).toMatchObject({ dryRun: true, totals: { created: 1 } });
    expect(await h.db.db.selectFrom('customers').select('id').where('source_id', '=', 'E-1').execute()).toEqual([]);

    const real = await importFile(bom, '--as', 'erp');
    expect(real.report!.totals).toMatchObject({ created: 1, rejected: 0 });
    const e1 = await h.db.db.selectFrom('customers').selectAll().where('source_id', '=', 'E-1').executeTakeFirstOrThrow();
    expect(e1).toMatchObject({ source_connector: 'erp', company_name: 'Ørsted Lager AS' });

    // A file with only a name column changes the name and nothing else.
    const nameOnly = join(dir, 'name-only.csv');
    writeFileSync(nameOnly, 'source_id,company_name\nE-1,Ørsted Lager ASA\n');
    const renamed = await importFile(nameOnly, '--as', 'erp');
    expect(renamed.report!.totals).toMatchObject({ updated: 1 });
    const after = await h.db.db.selectFrom('customers').selectAll().where('id', '=', e1.id).executeTakeFirstOrThrow();
    expect(after.company_name).toBe('Ørsted Lager ASA');
    const [addresses, attributes, details] = await Promise.all([
      h.db.db.selectFrom('addresses').select(['line1', 'city']).where('customer_id', '=', e1.id).execute(),
      h.db.db.selectFrom('customer_attributes').select(['key', 'value']).where('customer_id', '=', e1.id).execute(),
      h.db.db.selectFrom('customer_contact_details').select(['kind', 'value']).where('customer_id', '=', e1.id).execute(),
    ]);
    expect(addresses).toEqual([{ line1: 'Havnegata 9', city: 'Ålesund' }]);
    expect(attributes).toEqual([{ key: 'vatNumber', value: 'NO123' }]);
    expect(details).toEqual([{ kind: 'email', value: 'lager@example.no' }]);
  });

  it('refuses a file whose header is not the import layout, before starting anything', async () => {
    const file = join(dir, 'bad-header.csv');
    writeFileSync(file, 'source_id,frist_name,shoe_size\nP-1,Kari,38\n');
    const { code, stderr } = await importFile(file);
    expect(code).toBe(1);
    expect(stderr).toMatch(/column 2 \(frist_name\) is not an import column; did you mean first_name\?; column 3 \(shoe_size\) is not an import column/);
    expect(stderr).not.toMatch(/started/);
  });
});
