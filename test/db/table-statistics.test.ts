import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeIfStale } from '../../src/db/repositories/table-statistics.js';
import { writeOneCustomer } from '../../src/operations/customer-api/write-one-customer.js';
import { configSchema } from '../../src/config/config-schema.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** A first import fills `customers` before autovacuum samples it; the deletion check must not plan on no statistics. */
describe('statistics of the customers table', () => {
  let db: TestDatabase;
  const config = configSchema.parse({ connectors: {}, flows: {} });
  const deps = () => ({ db: db.db, client: undefined as never, temporal: { address: '', namespace: 'default', taskQueue: 'none' }, config });
  const lastAnalyzed = async (): Promise<Date | null> =>
    (await sql<{ at: Date | null }>`select last_analyze as at from pg_stat_user_tables where relid = 'customers'::regclass`.execute(db.db)).rows[0]?.at ?? null;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('are taken when the table was never analyzed, and not again while nothing changed', async () => {
    for (let i = 0; i < 20; i++) {
      await writeOneCustomer(deps(), {
        writer: { system: 'crm', token: 'crm', admin: false },
        target: { connector: 'crm', externalId: `S${i}` },
        mode: 'upsert',
        recordFor: () => ({ externalId: `S${i}`, type: 'PERSON', name: { firstName: `Stat ${i}` } }),
      });
    }
    expect(await lastAnalyzed()).toBeNull();
    expect(await analyzeIfStale(db.db, 'customers')).toBe(true);
    const analyzedAt = await lastAnalyzed();
    expect(analyzedAt).not.toBeNull();
    const { rows } = await sql<{ n: number }>`select reltuples::int as n from pg_class where oid = 'customers'::regclass`.execute(db.db);
    expect(rows[0]!.n).toBe(20);

    expect(await analyzeIfStale(db.db, 'customers')).toBe(false);
    expect(await lastAnalyzed()).toEqual(analyzedAt);
  });
});
