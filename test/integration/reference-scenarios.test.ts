import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import { customerIdOf } from '../support/db-state.js';
import { SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { sftpFolder, startSftpServer, type TestSftpServer } from '../support/sftp-server.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const PASSWORD_ENV = 'CUSTSYNC_TEST_SCENARIO_SFTP_PASSWORD';

type Row = Record<string, string>;

/** The snapshot sample as rows of column → value, and its columns in order. */
function snapshotRows(): { columns: string[]; rows: Row[] } {
  const [header, ...lines] = readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').trimEnd().split('\n');
  const columns = header!.split('|');
  return { columns, rows: lines.map((line) => Object.fromEntries(line.split('|').map((v, i) => [columns[i]!, v]))) };
}

/** A delta file: the given rows under the snapshot's columns plus any new ones they use. */
function templateFile(rows: Row[]): string {
  const { columns } = snapshotRows();
  const all = [...columns, ...new Set(rows.flatMap((r) => Object.keys(r)).filter((c) => !columns.includes(c)))];
  return [all.join('|'), ...rows.map((r) => all.map((c) => r[c] ?? '').join('|'))].join('\n') + '\n';
}

/**
 * The testing scenarios of the flat-file reference (001), in its order, each a file
 * uploaded to a real SFTP server and synced through Temporal into PostgreSQL. Each file
 * is a delta holding the customer's rows as the ERP would export them after the change.
 */
describe('the reference testing scenarios, through SFTP', () => {
  let server: TestSftpServer;
  let h: SyncHarness;
  let inbox: string;
  let sequence = 0;
  const current = new Map<string, Row[]>();

  /** Uploads the customer's rows after `change` as the next delta file and syncs it. */
  async function upload(code: string, change: (rows: Row[]) => Row[]) {
    const rows = change(current.get(code)!.map((r) => ({ ...r })));
    current.set(code, rows);
    sequence++;
    const name = `customer_20261102T${String(sequence).padStart(2, '0')}0000_delta.txt`;
    writeFileSync(join(inbox, name), templateFile(rows));
    const report = await h.run('erp');
    expect(report.steps[0]!.inputs).toEqual([name]);
    expect(report.steps[0]!.rejected).toBe(0);
    return report;
  }

  async function view(code: string) {
    const id = await customerIdOf(h.db, 'erp', code);
    const db = h.db.db;
    const [attributes, addresses, contacts, addressAttributes] = await Promise.all([
      db.selectFrom('customer_attributes').select(['key', 'value']).where('customer_id', '=', id).execute(),
      db.selectFrom('addresses').selectAll().where('customer_id', '=', id).orderBy('code').execute(),
      db.selectFrom('contact_persons').select(['full_name', 'email']).where('customer_id', '=', id).orderBy('email').execute(),
      db.selectFrom('address_attributes').select(['address_key', 'key', 'value']).where('customer_id', '=', id).orderBy('address_key').execute(),
    ]);
    return {
      attributes: Object.fromEntries(attributes.map((a) => [a.key, a.value])),
      addresses: addresses.map((a) => ({ code: a.code, type: a.address_type, name: a.name, line1: a.line1, city: a.city, country: a.country })),
      contacts,
      doors: Object.fromEntries(addressAttributes.filter((a) => a.key === 'createDoors').map((a) => [a.address_key, a.value])),
    };
  }

  beforeAll(async () => {
    server = await startSftpServer();
    process.env[PASSWORD_ENV] = server.password;
    inbox = await sftpFolder(server, 'erp-outbound');
    const shared = JSON.parse(readFileSync(join(SHARED_DATA, 'reference-data.json'), 'utf8')) as { companyNumbers: unknown[] };
    h = await startSyncHarness({
      connectors: {
        erp: {
          type: 'flat-file',
          folder: inbox,
          afterProcessing: 'archive',
          // A second company number, so that one can be changed to another.
          referenceData: { ...shared, companyNumbers: [...shared.companyNumbers, { code: 'NH02', name: 'Nordic Holdings' }] },
          sftp: {
            host: server.host,
            port: server.port,
            username: server.username,
            passwordEnv: PASSWORD_ENV,
            hostKeyFingerprint: server.hostKeyFingerprint,
          },
        },
      },
      flows: {
        erp: { source: { type: 'connector', connector: 'erp', aspects: TEMPLATE_ASPECTS }, schedule: false, deletion: { threshold: 100 } },
      },
    });
    for (const row of snapshotRows().rows) current.set(row.customer_code!, [...(current.get(row.customer_code!) ?? []), row]);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await server?.stop();
    delete process.env[PASSWORD_ENV];
  });

  it('adds a new connection', async () => {
    writeFileSync(join(inbox, SNAPSHOT), readFileSync(join(SHARED_DATA, SNAPSHOT)));
    const report = await h.run('erp');
    expect(report.totals).toMatchObject({ created: 4, rejected: 0 });
    const smith = await view('C1004');
    expect(smith.addresses).toEqual([{ code: 'B-1004', type: 'billing', name: 'Smith & Sons "Outfitters"', line1: '77 Main St', city: 'Burlington', country: 'US' }]);
    expect(smith.attributes).toMatchObject({ customerAlias: 'Smith & Sons', 'paymentTerms:NET30': 'NET30', salesRep: 'SR07' });
  });

  it('adds and updates a payment method', async () => {
    await upload('C1004', (rows) => rows.map((r) => ({ ...r, payment_terms_2: 'Net 60', payment_terms_code_2: 'NET60' })));
    expect((await view('C1004')).attributes).toMatchObject({ 'paymentTerms:NET30': 'NET30', 'paymentTerms:NET60': 'NET60' });
    await upload('C1004', (rows) => rows.map((r) => ({ ...r, payment_terms_2: 'Net 45', payment_terms_code_2: 'NET45' })));
    const { attributes } = await view('C1004');
    expect(attributes).toMatchObject({ 'paymentTerms:NET30': 'NET30', 'paymentTerms:NET45': 'NET45' });
    expect(attributes).not.toHaveProperty(['paymentTerms:NET60']);
  });

  it('adds and updates a shipping method', async () => {
    await upload('C1002', (rows) => rows.map((r) => ({ ...r, shipping_terms_2: 'EXW' })));
    expect((await view('C1002')).attributes).toMatchObject({ 'shippingTerms:DAP': 'DAP', 'shippingTerms:EXW': 'EXW' });
    await upload('C1002', (rows) => rows.map((r) => ({ ...r, shipping_terms_1: 'FOB' })));
    const { attributes } = await view('C1002');
    expect(attributes).toMatchObject({ 'shippingTerms:FOB': 'FOB', 'shippingTerms:EXW': 'EXW' });
    expect(attributes).not.toHaveProperty(['shippingTerms:DAP']);
  });

  it('adds and updates a billing and a shipping address', async () => {
    const billing = current.get('C1004')![0]!;
    await upload('C1004', (rows) => [
      ...rows,
      { ...billing, billing_code_1: 'B-1004-2', billing_name_1: 'Smith Accounts', billing_address_1_1: '1 Church St' },
      {
        ...billing,
        address_type: 'S',
        ...Object.fromEntries(Object.keys(billing).filter((k) => k.startsWith('billing_')).map((k) => [k, ''])),
        shipping_code_1: 'S-1004-01',
        shipping_name_1: 'Smith Warehouse',
        shipping_address_1_1: '5 Pine St',
        shipping_city_1: 'Burlington',
        shipping_state_1: 'VT',
        shipping_zip_1: '05401',
        shipping_country_1: 'US',
      },
    ]);
    expect((await view('C1004')).addresses.map((a) => [a.code, a.type, a.line1])).toEqual([
      ['B-1004', 'billing', '77 Main St'],
      ['B-1004-2', 'billing', '1 Church St'],
      ['S-1004-01', 'shipping', '5 Pine St'],
    ]);
    await upload('C1004', (rows) =>
      rows.map((r) =>
        r.billing_code_1 === 'B-1004-2' ? { ...r, billing_address_1_1: '2 Church St' } : r.shipping_code_1 === 'S-1004-01' ? { ...r, shipping_city_1: 'Winooski' } : r,
      ),
    );
    const { addresses } = await view('C1004');
    expect(addresses.find((a) => a.code === 'B-1004-2')?.line1).toBe('2 Church St');
    expect(addresses.find((a) => a.code === 'S-1004-01')?.city).toBe('Winooski');
  });

  it('adds an alias', async () => {
    await upload('C1001', (rows) => rows.map((r) => ({ ...r, customer_alias: '', alternate_name: '' })));
    expect((await view('C1001')).attributes).not.toHaveProperty('customerAlias');
    await upload('C1001', (rows) => rows.map((r) => ({ ...r, customer_alias: 'Acme Retail' })));
    expect((await view('C1001')).attributes).toMatchObject({ customerAlias: 'Acme Retail' });
  });

  it('adds an additional address to an existing connection', async () => {
    const before = (await view('C1001')).addresses.length;
    const shipping = current.get('C1001')!.find((r) => r.address_type === 'S')!;
    await upload('C1001', (rows) => [...rows, { ...shipping, shipping_code_1: 'S-1001-09', shipping_name_1: 'Acme Boston', shipping_city_1: 'Boston', shipping_state_1: 'MA' }]);
    const { addresses } = await view('C1001');
    expect(addresses).toHaveLength(before + 1);
    expect(addresses.find((a) => a.code === 'S-1001-09')).toMatchObject({ type: 'shipping', name: 'Acme Boston', city: 'Boston' });
  });

  it('adds and updates a discount', async () => {
    await upload('C1002', (rows) => rows.map((r) => ({ ...r, discount: '20', discount_line_item_level: 'Y' })));
    expect((await view('C1002')).attributes).toMatchObject({ discount: 20, discountLineItemLevel: true });
    await upload('C1002', (rows) => rows.map((r) => ({ ...r, discount: '25', discount_line_item_level: 'N' })));
    expect((await view('C1002')).attributes).toMatchObject({ discount: 25, discountLineItemLevel: false });
  });

  it('adds and updates a company number', async () => {
    await upload('C1002', (rows) => rows.map((r) => ({ ...r, company_number_name: 'Acme Holdings', company_number_code: 'AH01' })));
    expect((await view('C1002')).attributes).toMatchObject({ companyNumber: 'AH01' });
    await upload('C1002', (rows) => rows.map((r) => ({ ...r, company_number_name: 'Nordic Holdings', company_number_code: 'NH02' })));
    expect((await view('C1002')).attributes).toMatchObject({ companyNumber: 'NH02' });
  });

  it('adds and updates a door', async () => {
    const shipping = current.get('C1002')!.find((r) => r.address_type === 'S')!;
    await upload('C1002', (rows) => [
      ...rows,
      { ...shipping, shipping_code_1: 'S-1002-02', shipping_name_1: 'Nordic Malmö', shipping_city_1: 'Malmö', create_doors: 'Y' },
    ]);
    const added = await view('C1002');
    expect(added.doors['code:S-1002-02']).toBe(true);
    expect(added.addresses.find((a) => a.code === 'S-1002-02')).toMatchObject({ name: 'Nordic Malmö', city: 'Malmö' });
    await upload('C1002', (rows) => rows.map((r) => (r.shipping_code_1 === 'S-1002-02' ? { ...r, shipping_name_1: 'Nordic Malmö Centrum', create_doors: 'N' } : r)));
    const updated = await view('C1002');
    expect(updated.doors['code:S-1002-02']).toBe(false);
    expect(updated.addresses.find((a) => a.code === 'S-1002-02')?.name).toBe('Nordic Malmö Centrum');
  });

  it('adds and updates a buyer', async () => {
    await upload('C1004', (rows) => rows.map((r) => ({ ...r, buyer_name_1: 'Pat Smith', buyer_email_1: 'pat@smithsons.example' })));
    expect((await view('C1004')).contacts).toEqual([{ full_name: 'Pat Smith', email: 'pat@smithsons.example' }]);
    await upload('C1004', (rows) => rows.map((r) => ({ ...r, buyer_name_1: 'Patricia Smith' })));
    expect((await view('C1004')).contacts).toEqual([{ full_name: 'Patricia Smith', email: 'pat@smithsons.example' }]);
  });

  it('archived every processed file on the server', () => {
    expect(readdirSync(inbox)).toEqual(['archive']);
    expect(readdirSync(join(inbox, 'archive'))).toHaveLength(sequence + 1);
  });
});
