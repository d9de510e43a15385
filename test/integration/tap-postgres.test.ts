import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singerTapConnectorSchema } from '../../src/connectors/singer-tap/singer-tap-config.js';
import { singerTapModule } from '../../src/connectors/singer-tap/singer-tap-module.js';
import { customerIdOf } from '../support/db-state.js';
import { sourcePackage } from '../support/source-packages.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const PASSWORD_VARIABLE = 'CUSTSYNC_TEST_TAP_POSTGRES_PASSWORD';
const MAPPING = {
  externalId: 'id',
  type: 'COMPANY',
  name: { companyName: 'name' },
  contactDetails: [{ kind: 'email', value: 'email' }],
  attributes: { loyaltyTier: 'tier' },
};

describe('a Singer tap from the package index: pipelinewise-tap-postgres, incrementally by a real cursor', () => {
  let source: TestDatabase;
  let h: SyncHarness;
  let executable: string;
  let tapConfig: Record<string, unknown>;
  const members = (values: [id: string, name: string, email: string, tier: string, updatedAt: string][]) =>
    sql`insert into crm.members (id, name, email, tier, updated_at) values ${sql.join(values.map((v) => sql`(${sql.join(v)})`))}
        on conflict (id) do update set name = excluded.name, email = excluded.email, tier = excluded.tier, updated_at = excluded.updated_at`.execute(source.db);
  const tierOf = async (id: string) =>
    (await h.db.db.selectFrom('customer_attributes').select('value').where('customer_id', '=', await customerIdOf(h.db, 'members', id)).where('key', '=', 'loyaltyTier').executeTakeFirstOrThrow()).value;

  beforeAll(async () => {
    executable = (await sourcePackage('pipelinewise-tap-postgres')).executables[0]!;
    source = await createTestDatabase();
    await sql`create schema crm`.execute(source.db);
    await sql`create table crm.members (id text primary key, name text not null, email text, tier text, updated_at timestamptz not null)`.execute(source.db);
    await members([
      ['M1', 'Acme', 'sales@acme.test', 'gold', '2026-01-01T00:00:00Z'],
      ['M2', 'Nordic Style', 'hej@nordic.test', 'silver', '2026-01-02T00:00:00Z'],
      ['M3', 'Blue Harbor', 'info@harbor.test', 'bronze', '2026-01-03T00:00:00Z'],
    ]);
    const url = new URL(source.url);
    process.env[PASSWORD_VARIABLE] = decodeURIComponent(url.password);
    tapConfig = { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username), dbname: source.name, filter_schemas: 'crm' };
    h = await startSyncHarness({
      connectors: {
        members: {
          type: 'singer-tap',
          executable,
          config: tapConfig,
          secrets: { '/password': PASSWORD_VARIABLE },
          stream: 'members',
          syncMode: 'incremental',
          replicationKey: 'updated_at',
          mapping: MAPPING,
        },
      },
      flows: { members: { source: { type: 'connector', connector: 'members', aspects: ['name', 'customerContactDetails', 'customerAttributes'] } } },
    });
  });
  afterAll(async () => {
    await h?.close();
    await source?.drop();
    delete process.env[PASSWORD_VARIABLE];
  });

  it('reads the table, keeps the bookmark of the last completed run, and next reads from it: the changed and new rows only', async () => {
    const first = await h.run('members');
    expect(first.status).toBe('completed');
    expect(first.totals).toMatchObject({ created: 3, rejected: 0 });
    expect(await tierOf('M2')).toBe('silver');
    const cursor = async () =>
      JSON.parse((await h.db.db.selectFrom('connector_cursors').select('cursor').where('flow', '=', 'members').where('connector', '=', 'members').executeTakeFirstOrThrow()).cursor) as {
        bookmarks: Record<string, { replication_key: string; replication_key_value: string }>;
      };
    expect((await cursor()).bookmarks['crm-members']).toMatchObject({ replication_key: 'updated_at', replication_key_value: '2026-01-03T00:00:00+00:00' });

    await members([
      ['M2', 'Nordic Style', 'hej@nordic.test', 'gold', '2026-02-01T00:00:00Z'],
      ['M4', 'Fjord Foods', 'order@fjord.test', 'silver', '2026-02-02T00:00:00Z'],
    ]);
    const second = await h.run('members');
    // The tap reads from its bookmark inclusively: M3 (at the bookmark) comes again, unchanged; M1 does not.
    expect(second.steps[0]!.read).toBe(3);
    expect(second.totals).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(await tierOf('M2')).toBe('gold');
    expect(await customerIdOf(h.db, 'members', 'M4')).toBeTruthy();
    expect((await cursor()).bookmarks['crm-members']!.replication_key_value).toBe('2026-02-02T00:00:00+00:00');

    // A delta: the customers it did not read are not missing.
    const third = await h.run('members');
    expect(third.steps[0]!.read).toBe(1);
    expect(third.totals).toMatchObject({ created: 0, updated: 0 });
    const missing = await h.db.db.selectFrom('customers').select('id').where('missing_since', 'is not', null).execute();
    expect(missing).toEqual([]);
  });

  it('config check finds the stream by its table name and the password from the environment; a wrong one is the tap’s own error', async () => {
    const config = (secrets: Record<string, string>) =>
      singerTapConnectorSchema.parse({ type: 'singer-tap', executable, config: tapConfig, secrets, stream: 'members', syncMode: 'incremental', replicationKey: 'updated_at', mapping: MAPPING });
    expect(await singerTapModule.checkReachable!('members', config({ '/password': PASSWORD_VARIABLE }), { network: true })).toEqual([]);
    process.env.CUSTSYNC_TEST_TAP_POSTGRES_WRONG = 'not-the-password';
    try {
      const problems = await singerTapModule.checkReachable!('members', config({ '/password': 'CUSTSYNC_TEST_TAP_POSTGRES_WRONG' }), { network: true });
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toContain('password authentication failed');
      expect(problems[0]!.message).not.toContain('not-the-password');
    } finally {
      delete process.env.CUSTSYNC_TEST_TAP_POSTGRES_WRONG;
    }
  });

  it('refuses a replication key without an incremental read', () => {
    const parsed = singerTapConnectorSchema.safeParse({ type: 'singer-tap', executable, stream: 'members', replicationKey: 'updated_at', mapping: MAPPING });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ['replicationKey'] });
  });
});
