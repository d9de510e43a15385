import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockAndFindChanged } from '../../src/db/repositories/merge-chunks.js';
import { writeOneCustomer } from '../../src/operations/customer-api/write-one-customer.js';
import { configSchema } from '../../src/config/config-schema.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** A chunk that merged from a customer another writer has changed since must not overwrite that change. */
describe('a merge chunk and an API write of the same customer', () => {
  let db: TestDatabase;
  const config = configSchema.parse({ connectors: {}, flows: {} });
  const writer = { system: 'crm', token: 'crm', admin: false };
  const deps = () => ({ db: db.db, client: undefined as never, temporal: { address: '', namespace: 'default', taskQueue: 'none' }, config });

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('finds the customers changed since the chunk read them, and holds them until the chunk commits', async () => {
    const created = await writeOneCustomer(deps(), {
      writer,
      target: { connector: 'crm', externalId: 'G1' },
      mode: 'upsert',
      recordFor: () => ({ externalId: 'G1', type: 'PERSON', name: { firstName: 'Guard' } }),
    });
    const read = { id: created.customer.id, contentHash: created.customer.content_hash };
    expect(await db.db.transaction().execute((trx) => lockAndFindChanged(trx, [read]))).toEqual([]);

    await writeOneCustomer(deps(), {
      writer,
      target: { id: read.id },
      mode: 'update',
      recordFor: () => ({ externalId: 'G1', name: { firstName: 'Changed' } }),
    });
    expect(await db.db.transaction().execute((trx) => lockAndFindChanged(trx, [read]))).toEqual([read.id]);

    // While a chunk holds the customer, an API write waits for it: seen waiting on the lock, done once the chunk commits.
    let apiDone = false;
    let api: Promise<unknown> | undefined;
    await db.db.transaction().execute(async (trx) => {
      await lockAndFindChanged(trx, [read]);
      api = writeOneCustomer(deps(), {
        writer,
        target: { id: read.id },
        mode: 'update',
        recordFor: () => ({ externalId: 'G1', name: { firstName: 'After the chunk' } }),
      }).then(() => (apiDone = true));
      await expect
        .poll(async () => {
          const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`.execute(db.db);
          return waiting.rows[0]!.n;
        }, { timeout: 30_000 })
        .toBe(1);
      expect(apiDone).toBe(false);
    });
    await api;
    expect(apiDone).toBe(true);
    const stored = await db.db.selectFrom('customers').select('merged').where('id', '=', read.id).executeTakeFirstOrThrow();
    expect(stored.merged).toMatchObject({ name: { value: { firstName: 'After the chunk' } } });
  });
});
