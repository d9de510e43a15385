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

    // While a chunk holds the customer, an API write waits for it.
    let apiDone = false;
    await db.db.transaction().execute(async (trx) => {
      await lockAndFindChanged(trx, [read]);
      const api = writeOneCustomer(deps(), {
        writer,
        target: { id: read.id },
        mode: 'update',
        recordFor: () => ({ externalId: 'G1', name: { firstName: 'After the chunk' } }),
      }).then(() => (apiDone = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(apiDone).toBe(false);
      void api;
    });
    for (let i = 0; i < 50 && !apiDone; i++) await new Promise((r) => setTimeout(r, 20));
    expect(apiDone).toBe(true);
  });
});
