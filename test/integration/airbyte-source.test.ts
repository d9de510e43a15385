import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/run-types.js';
import { customerIdOf, dumpCustomerTables } from '../support/db-state.js';
import { sourcePackage } from '../support/source-packages.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

/** Faker's users, the same on every read: a fixed seed, one worker, dates not moved on. */
const FAKER_CONFIG = { count: 30, seed: 7, always_updated: false, parallelism: 1, records_per_slice: 10 };
const USERS_MAPPING = {
  externalId: { path: 'id', transform: ['string'] },
  type: 'PERSON',
  name: { firstName: 'name' },
  addresses: [
    { type: { const: 'other' }, line1: { join: ['address.street_number', 'address.street_name'] }, city: 'address.city', zip: 'address.postal_code', country: 'address.country_code' },
  ],
  contactDetails: [
    { kind: 'email', value: 'email' },
    { kind: 'phone', value: 'telephone' },
  ],
  attributes: { occupation: 'occupation' },
};

interface FakerUser {
  id: number;
  name: string;
  email: string;
  occupation: string;
  address: { city: string };
}

describe('an Airbyte source from the package index: airbyte-source-faker, users', () => {
  let h: SyncHarness;
  let executable: string;
  let users: FakerUser[];
  let first: RunReport;

  beforeAll(async () => {
    executable = (await sourcePackage('airbyte-source-faker')).executables[0]!;
    // What the source itself emits, read without custsync.
    const folder = mkdtempSync(join(tmpdir(), 'custsync-faker-'));
    writeFileSync(join(folder, 'config.json'), JSON.stringify(FAKER_CONFIG));
    const catalog = { streams: [{ stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
    writeFileSync(join(folder, 'catalog.json'), JSON.stringify(catalog));
    const output = execFileSync(executable, ['read', '--config', join(folder, 'config.json'), '--catalog', join(folder, 'catalog.json')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    users = output
      .split('\n')
      .filter((line) => line.startsWith('{"type":"RECORD"') || line.startsWith('{"type": "RECORD"'))
      .map((line) => (JSON.parse(line) as { record: { data: FakerUser } }).record.data);
    const connector = (syncMode: string) => ({ type: 'airbyte-source', executable, config: FAKER_CONFIG, stream: 'users', syncMode, mapping: USERS_MAPPING });
    h = await startSyncHarness({
      connectors: { faker: connector('full_refresh'), 'faker-delta': connector('incremental') },
      flows: {
        people: { source: { type: 'connector', connector: 'faker', aspects: ['name', 'addresses', 'customerContactDetails', 'customerAttributes'] } },
        'people-incremental': { source: { type: 'connector', connector: 'faker-delta', aspects: ['name', 'customerContactDetails'] } },
      },
    });
    first = await h.run('people');
  });
  afterAll(async () => h?.close());

  it('syncs every user of the stream into a customer, mapped field by field', async () => {
    expect(users).toHaveLength(30);
    expect(first.status).toBe('completed');
    expect(first.totals).toMatchObject({ created: 30, rejected: 0 });
    for (const user of [users[0]!, users[17]!, users[29]!]) {
      const id = await customerIdOf(h.db, 'faker', String(user.id));
      const customer = await h.db.db.selectFrom('customers').select(['type', 'first_name']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(customer).toEqual({ type: 'PERSON', first_name: user.name });
      const details = await h.db.db.selectFrom('customer_contact_details').select(['kind', 'value']).where('customer_id', '=', id).orderBy('kind').execute();
      expect(details.find((d) => d.kind === 'email')?.value).toBe(user.email);
      const address = await h.db.db.selectFrom('addresses').select(['city']).where('customer_id', '=', id).executeTakeFirstOrThrow();
      expect(address.city).toBe(user.address.city);
    }
  });

  it('a second full refresh is a full snapshot with nothing changed', async () => {
    const before = await dumpCustomerTables(h.db);
    const again = await h.run('people');
    expect(again.totals).toMatchObject({ created: 0, updated: 0, unchanged: 30 });
    expect(await dumpCustomerTables(h.db)).toEqual(before);
  });

  it("an incremental read keeps the source's state when the run completes and starts the next run from it", async () => {
    const firstDelta = await h.run('people-incremental');
    expect(firstDelta.totals).toMatchObject({ customers: 30 });
    const stored = await h.db.db.selectFrom('connector_cursors').select(['cursor']).where('flow', '=', 'people-incremental').where('connector', '=', 'faker-delta').executeTakeFirstOrThrow();
    const state = JSON.parse(stored.cursor) as { type: string; stream: { stream_descriptor: { name: string }; stream_state: { loop_offset: number } } }[];
    expect(state[0]).toMatchObject({ type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { loop_offset: 30 } } });
    // From that state faker has nothing new: the next run is an empty delta, and deletes nothing.
    const next = await h.run('people-incremental');
    expect(next.totals).toMatchObject({ customers: 0, created: 0, updated: 0 });
    expect(next.steps[0]).toMatchObject({ read: 0 });
    const { n } = await h.db.db.selectFrom('customers').select(({ fn }) => fn.countAll<string>().as('n')).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(60);
  });
});

describe("a value from a source's record that the database cannot store", () => {
  let h: SyncHarness;
  const customersFile = join(mkdtempSync(join(tmpdir(), 'custsync-scripted-')), 'customers.json');
  const companyName = async (id: string) =>
    (await h.db.db.selectFrom('customers').select(['company_name', 'missing_since']).where('id', '=', await customerIdOf(h.db, 'scripted', id)).executeTakeFirstOrThrow());

  beforeAll(async () => {
    h = await startSyncHarness({
      connectors: {
        scripted: {
          type: 'airbyte-source',
          executable: join(import.meta.dirname, '..', 'support', 'scripted-airbyte-source.mjs'),
          config: { behaviour: 'records', customersFile },
          stream: 'companies',
          mapping: { externalId: 'id', type: 'COMPANY', name: { companyName: 'name' } },
        },
      },
      flows: { companies: { source: { type: 'connector', connector: 'scripted', aspects: ['name'] } } },
    });
  });
  afterAll(async () => h?.close());

  it('rejects that record, naming the stream, its position, key and field; its customer stays as it was and the rest syncs', async () => {
    writeFileSync(customersFile, JSON.stringify([{ id: 'K1', name: 'Kestrel' }, { id: 'K2', name: 'Kite' }, { id: 'K3', name: 'Kingfisher' }]));
    expect((await h.run('companies')).totals).toMatchObject({ created: 3 });
    writeFileSync(customersFile, JSON.stringify([{ id: 'K1', name: 'Kestrel Ltd' }, { id: 'K2', name: 'Kite\u0000Works' }, { id: 'K3', name: 'Kingfisher' }]));
    const report = await h.run('companies');
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ updated: 1, unchanged: 1, rejected: 1 });
    const rejects = await h.db.db.selectFrom('rejected_records').select(['source', 'line', 'external_id', 'field', 'reason']).where('run_id', '=', report.runId).execute();
    expect(rejects).toEqual([{ source: 'stream companies', line: 3, external_id: 'K2', field: 'name.companyName', reason: expect.stringContaining('name.companyName') as string }]);
    // Left as it was: its old name, and not missing from the full snapshot it was rejected from.
    expect(await companyName('K2')).toEqual({ company_name: 'Kite', missing_since: null });
    expect((await companyName('K1')).company_name).toBe('Kestrel Ltd');
  });
});
