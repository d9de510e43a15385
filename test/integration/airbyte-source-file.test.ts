import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIdOf } from '../support/db-state.js';
import { sourcePackage } from '../support/source-packages.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const MAPPING = {
  externalId: 'customer_no',
  type: 'PERSON',
  name: { firstName: 'first_name', lastName: 'last_name' },
  contactDetails: [{ kind: 'email', value: { path: 'email', transform: ['trim', 'lower'] } }],
  addresses: [{ type: { const: 'other' }, city: 'city', country: 'country' }],
};

const csv = (rows: string[][]) => ['customer_no,first_name,last_name,email,city,country', ...rows.map((r) => r.join(','))].join('\n') + '\n';

describe('an Airbyte source from the package index: airbyte-source-file over a local CSV', () => {
  let h: SyncHarness;
  let file: string;
  const emailOf = async (id: string) =>
    (await h.db.db.selectFrom('customer_contact_details').select('value').where('customer_id', '=', await customerIdOf(h.db, 'people', id)).executeTakeFirstOrThrow()).value;

  beforeAll(async () => {
    const executable = (await sourcePackage('airbyte-source-file')).executables[0]!;
    file = join(mkdtempSync(join(tmpdir(), 'custsync-source-file-')), 'people.csv');
    writeFileSync(
      file,
      csv([
        ['1001', 'Ada', 'Lovelace', ' Ada@Example.test', 'London', 'GB'],
        ['1002', 'Grace', 'Hopper', 'grace@example.test', 'Arlington', 'US'],
        ['1003', 'Alan', 'Turing', 'alan@example.test', 'Wilmslow', 'GB'],
      ]),
    );
    h = await startSyncHarness({
      connectors: {
        people: { type: 'airbyte-source', executable, config: { dataset_name: 'people', format: 'csv', url: file, provider: { storage: 'local' } }, stream: 'people', mapping: MAPPING },
      },
      flows: {
        people: {
          source: { type: 'connector', connector: 'people', aspects: ['name', 'addresses', 'customerContactDetails'] },
          deletion: { threshold: 50 },
        },
      },
    });
  });
  afterAll(async () => h?.close());

  it('syncs every row as a customer; a full refresh of the changed file is a full snapshot, and a row gone from it goes missing', async () => {
    const first = await h.run('people');
    expect(first.status).toBe('completed');
    expect(first.totals).toMatchObject({ created: 3, rejected: 0 });
    // The source discovers customer_no as a number: the id is its text, as the file has it.
    expect(await emailOf('1001')).toBe('ada@example.test');
    const ada = await h.db.db.selectFrom('customers').select(['type', 'first_name', 'last_name']).where('id', '=', await customerIdOf(h.db, 'people', '1001')).executeTakeFirstOrThrow();
    expect(ada).toEqual({ type: 'PERSON', first_name: 'Ada', last_name: 'Lovelace' });

    writeFileSync(
      file,
      csv([
        ['1001', 'Ada', 'Lovelace', 'ada@example.test', 'London', 'GB'],
        ['1002', 'Grace', 'Hopper', 'grace.hopper@example.test', 'Arlington', 'US'],
        ['1004', 'Katherine', 'Johnson', 'katherine@example.test', 'Hampton', 'US'],
      ]),
    );
    const second = await h.run('people');
    expect(second.totals).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(second.deletion).toMatchObject({ markedMissing: 1 });
    expect(await emailOf('1002')).toBe('grace.hopper@example.test');
    const turing = await h.db.db.selectFrom('customers').select('missing_since').where('id', '=', await customerIdOf(h.db, 'people', '1003')).executeTakeFirstOrThrow();
    expect(turing.missing_since).not.toBeNull();
  });
});
