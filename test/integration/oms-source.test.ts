import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalOms, type LocalOms } from '../../src/tooling/local-oms.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const ASPECTS = ['name', 'contactPersons', 'addresses', 'customerAttributes', 'customerContactDetails', 'relations'];

/** A harness whose flow `oms` reads the local OMS (pages of 2) with every OMS aspect. */
const omsHarness = (oms: LocalOms, settings: Record<string, unknown> = {}) =>
  startSyncHarness({
    connectors: { oms: { type: 'oms', baseUrl: oms.baseUrl, pageSize: 2, ...settings } },
    flows: { oms: { source: { type: 'connector', connector: 'oms', aspects: ASPECTS }, schedule: false } },
  });

/** The stored customer with this source id. */
const customerOf = (h: SyncHarness, sourceId: string) =>
  h.db.db.selectFrom('customers').selectAll().where('source_id', '=', sourceId).executeTakeFirstOrThrow();

describe('a flow whose source is the OMS preset', () => {
  let oms: LocalOms;
  let h: SyncHarness;

  beforeAll(async () => {
    oms = await startLocalOms();
    oms.privateCustomers.set('P1', {
      customerId: 'P1',
      firstName: 'Kari',
      lastName: 'Nordmann',
      email: 'kari@example.no',
      phone: '+4790000001',
      address: { line1: 'Storgata 1', city: 'Oslo', postalCode: '0155', countryCode: 'NO' },
      externalIds: [
        { providerName: 'MG-NO_VoyadoContactId', id: 'third' },
        { providerName: 'VoyadoContactId', id: 'second' },
      ],
    });
    oms.privateCustomers.set('P2', { customerId: 'P2', firstName: '', lastName: null });
    oms.privateCustomers.set('X1', { customerId: 'X1', firstName: 'Both' });
    oms.businessCustomers.set('X1', { customerId: 'X1', name: 'Both AS' });
    oms.businessCustomers.set('B1', {
      customerId: 'B1',
      name: 'Fjord Holding AS',
      email: 'post@fjord.no',
      phone: '+4722000000',
      taxId: 'NO999888777MVA',
      address: { line1: 'Kaia 2', city: 'Bergen', postalCode: '5003', countryCode: 'NO', email: 'faktura@fjord.no' },
      contacts: [{ id: 'C1', firstName: 'Ola', lastName: 'Hansen', email: 'ola@fjord.no', phone: '+4791111111' }],
    });
    oms.businessCustomers.set('B2', { customerId: 'B2', name: 'Fjord Avdeling Nord', customerRelations: [{ customerId: 'B1', relationType: 'Parent' }] });
    oms.businessCustomers.set('B3', { customerId: 'B3', name: 'Vik Holding AS' });
    h = await omsHarness(oms, { marketGroupId: 'MG-NO' });
  });
  afterAll(async () => {
    await h?.close();
    await oms?.close();
  });

  const customer = (sourceId: string) => customerOf(h, sourceId);
  const rows = async (table: string, sourceId: string, columns: string[]) => {
    const result = await sql<Record<string, unknown>>`select ${sql.join(columns.map((c) => sql.ref(`t.${c}`)))} from ${sql.table(table)} t
      join customers c on c.id = t.customer_id where c.source_id = ${sourceId} order by 1, 2`.execute(h.db.db);
    return result.rows;
  };

  it('creates persons and companies field by field, and rejects an id that is both', async () => {
    const report = await h.run('oms');
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ created: 5, rejected: 1 });
    expect(report.rejectedSample[0]!.reason).toMatch(/customer X1 is reported both as PERSON and as COMPANY/);
    expect(await h.db.db.selectFrom('customers').select('id').where('source_id', '=', 'X1').execute()).toEqual([]);

    expect(await customer('P1')).toMatchObject({ type: 'PERSON', first_name: 'Kari', last_name: 'Nordmann', source_connector: 'oms' });
    expect(await rows('customer_contact_details', 'P1', ['kind', 'value'])).toEqual([
      { kind: 'email', value: 'kari@example.no' },
      { kind: 'mobile', value: '+4790000001' },
    ]);
    expect(await rows('addresses', 'P1', ['code', 'address_type', 'line1', 'city', 'zip', 'country'])).toEqual([
      { code: 'main', address_type: 'billing', line1: 'Storgata 1', city: 'Oslo', zip: '0155', country: 'NO' },
    ]);
    expect(await rows('customer_attributes', 'P1', ['key', 'value'])).toEqual([{ key: 'loyaltyId', value: 'second' }]);
    expect(await customer('P2')).toMatchObject({ first_name: '-', last_name: '-' });

    expect(await customer('B1')).toMatchObject({ type: 'COMPANY', company_name: 'Fjord Holding AS', is_parent_company: true });
    expect(await rows('customer_contact_details', 'B1', ['kind', 'value'])).toEqual([
      { kind: 'email', value: 'faktura@fjord.no' },
      { kind: 'mobile', value: '+4722000000' },
    ]);
    expect(await rows('customer_attributes', 'B1', ['key', 'value'])).toEqual([{ key: 'vatNumber', value: 'NO999888777MVA' }]);
    expect(await rows('contact_persons', 'B1', ['contact_ref', 'first_name', 'last_name', 'email', 'phone'])).toEqual([
      { contact_ref: 'C1', first_name: 'Ola', last_name: 'Hansen', email: 'ola@fjord.no', phone: '+4791111111' },
    ]);
    const b1 = await customer('B1');
    expect(await customer('B2')).toMatchObject({ parent_customer_id: b1.id, is_parent_company: false });
  });

  it('moves a sub-department to its new parent: both parents recomputed and logged', async () => {
    oms.businessCustomers.set('B2', { customerId: 'B2', name: 'Fjord Avdeling Nord', customerRelations: [{ customerId: 'B3', relationType: 'Parent' }] });
    const report = await h.run('oms');
    expect(report.totals).toMatchObject({ created: 0, updated: 1 });
    const [b1, b2, b3] = await Promise.all([customer('B1'), customer('B2'), customer('B3')]);
    expect(b2.parent_customer_id).toBe(b3.id);
    expect(b1.is_parent_company).toBe(false);
    expect(b3.is_parent_company).toBe(true);
    const log = await h.db.db
      .selectFrom('change_log')
      .select(['customer_id', 'diff'])
      .where('run_id', '=', report.runId)
      .where('customer_id', 'in', [b1.id, b3.id])
      .execute();
    expect(log.map((l) => [l.customer_id, l.diff])).toEqual(
      expect.arrayContaining([
        [b1.id, [{ aspect: 'subDepartments', key: b2.id, change: 'removed' }]],
        [b3.id, [{ aspect: 'subDepartments', key: b2.id, change: 'added' }]],
      ]),
    );
    expect(b1.updated_run_id).toBe(report.runId);
  });

  it('writes nothing when the OMS has not changed', async () => {
    const report = await h.run('oms');
    expect(report.totals).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
    const log = await h.db.db.selectFrom('change_log').select('id').where('run_id', '=', report.runId).execute();
    expect(log).toEqual([]);
  });
});

describe('an OMS that lists relations on the parent only', () => {
  let oms: LocalOms;
  let h: SyncHarness;

  beforeAll(async () => {
    oms = await startLocalOms();
    // The children name no parent; the parents name their sub-departments, as custsync pushes them.
    oms.businessCustomers.set('H1', {
      customerId: 'H1',
      name: 'Havn Holding',
      customerRelations: [
        { customerId: 'D1', relationType: 'SubDepartment' },
        { customerId: 'D2', relationType: 'SubDepartment' },
      ],
    });
    oms.businessCustomers.set('D1', { customerId: 'D1', name: 'Havn Nord' });
    oms.businessCustomers.set('D2', { customerId: 'D2', name: 'Havn Sør' });
    oms.businessCustomers.set('H2', {
      customerId: 'H2',
      name: 'Odd Relations AS',
      customerRelations: [
        { customerId: 'H2', relationType: 'Parent' },
        { customerId: 'H1', relationType: 'Parent' },
        { customerId: 'D9', relationType: 'Parent' },
      ],
    });
    h = await omsHarness(oms);
  });
  afterAll(async () => {
    await h?.close();
    await oms?.close();
  });

  const customer = (sourceId: string) => customerOf(h, sourceId);

  it('links the children its parents name, and warns of the relations it cannot place', async () => {
    const report = await h.run('oms');
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ created: 4 });
    const [h1, d1, d2, h2] = await Promise.all([customer('H1'), customer('D1'), customer('D2'), customer('H2')]);
    expect([d1.parent_customer_id, d2.parent_customer_id]).toEqual([h1.id, h1.id]);
    expect(h1.is_parent_company).toBe(true);
    expect(h2.parent_customer_id).toBe(h1.id);
    expect(report.steps[0]!.inputDetails[0]!.warnings).toEqual([
      expect.stringMatching(/^item \d+ \(H2\): a Parent relation names the customer itself; ignored$/),
      expect.stringMatching(/^item \d+ \(H2\): 2 parent companies are named \(H1, D9\); only H1 is used$/),
    ]);
  });

  it('unlinks a child its parent stops naming, and recomputes the parent', async () => {
    oms.businessCustomers.set('H1', { customerId: 'H1', name: 'Havn Holding', customerRelations: [{ customerId: 'D1', relationType: 'SubDepartment' }] });
    oms.businessCustomers.set('H2', { customerId: 'H2', name: 'Odd Relations AS' });
    const report = await h.run('oms');
    expect(report.status).toBe('completed');
    const [h1, d1, d2] = await Promise.all([customer('H1'), customer('D1'), customer('D2')]);
    expect(d1.parent_customer_id).toBe(h1.id);
    expect(d2.parent_customer_id).toBeNull();
    oms.businessCustomers.set('H1', { customerId: 'H1', name: 'Havn Holding' });
    await h.run('oms');
    expect(await customer('H1')).toMatchObject({ is_parent_company: false });
    expect((await customer('D1')).parent_customer_id).toBeNull();
  });
});
