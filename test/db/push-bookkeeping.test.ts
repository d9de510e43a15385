import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { duePushes, queuePushes, relativesKnownTo, settlePushes } from '../../src/db/repositories/customer-pushes.js';
import { loadOutboundCustomers } from '../../src/db/repositories/outbound-customers.js';
import { writeOneCustomer } from '../../src/operations/customer-api/write-one-customer.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The push queue's bookkeeping for many customers at once, as a push pass records it. */
describe('push bookkeeping in groups', () => {
  let db: TestDatabase;
  const config = configSchema.parse({ connectors: {}, flows: {} });
  const writer = { system: 'crm', token: 'crm', admin: false };
  const deps = () => ({ db: db.db, client: undefined as never, temporal: { address: '', namespace: 'default', taskQueue: 'none' }, config });
  const ids: Record<string, string> = {};
  const create = async (externalId: string, record: object) => {
    const written = await writeOneCustomer(deps(), {
      writer,
      target: { connector: 'crm', externalId },
      mode: 'upsert',
      recordFor: () => ({ externalId, ...record }),
    });
    ids[externalId] = written.customer.id;
  };
  type PushState = { status: string; attempts: number; lastError: string | null; lastAction: string | null };
  const states = async (): Promise<Record<string, PushState>> => {
    const rows = await db.db.selectFrom('customer_pushes').select(['customer_id', 'status', 'attempts', 'last_error', 'last_action']).execute();
    const byName: Record<string, PushState> = {};
    for (const r of rows) {
      const name = Object.keys(ids).find((k) => ids[k] === r.customer_id)!;
      byName[name] = { status: r.status, attempts: r.attempts, lastError: r.last_error, lastAction: r.last_action };
    }
    return byName;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await create('P1', { type: 'COMPANY', name: { companyName: 'Parent AS' } });
    await create('C1', { type: 'COMPANY', name: { companyName: 'Child One' }, relations: { parentExternalId: 'P1', relationType: 'Parent' } });
    await create('C2', { type: 'COMPANY', name: { companyName: 'Child Two' }, relations: { parentExternalId: 'P1', relationType: 'Parent' } });
    await create('K1', { type: 'PERSON', name: { firstName: 'Kari' } });
    await create('K2', { type: 'PERSON', name: { firstName: 'Kaja' } });
  });
  afterAll(async () => db?.drop());

  it('loads each customer with its own, its parent’s and its sub-departments’ ids in the target', async () => {
    await db.db
      .insertInto('external_ids')
      .values([
        { connector: 'oms', external_id: 'OMS-P1', customer_id: ids.P1!, run_id: 'test' },
        { connector: 'oms', external_id: 'OMS-C2', customer_id: ids.C2!, run_id: 'test' },
      ])
      .execute();
    const loaded = await loadOutboundCustomers(db.db, [ids.P1!, ids.C1!, ids.C2!, ids.K1!, '00000000-0000-0000-0000-000000000000'], 'oms');
    expect(loaded.size).toBe(4);
    expect(loaded.get(ids.P1!)).toMatchObject({ externalId: 'OMS-P1', childExternalIds: ['OMS-C2'], isParentCompany: true, name: { companyName: 'Parent AS' } });
    expect(loaded.get(ids.C1!)).toMatchObject({ parentExternalId: 'OMS-P1', childExternalIds: [] });
    expect(loaded.get(ids.C1!)!.externalId).toBeUndefined();
    expect(loaded.get(ids.C2!)).toMatchObject({ externalId: 'OMS-C2', parentExternalId: 'OMS-P1' });
    expect(await relativesKnownTo(db.db, 'oms', [ids.C1!, ids.K1!])).toEqual([ids.P1]);
    await db.db.deleteFrom('external_ids').where('connector', '=', 'oms').execute();
  });

  it('records every kind of outcome of one group, and keeps a customer changed meanwhile pending', async () => {
    await queuePushes(db.db, 'oms', Object.values(ids), 'run-1');
    const due = new Map((await duePushes(db.db, 'oms', 10)).map((d) => [d.customer_id, d]));
    expect(due.size).toBe(5);
    // K2 changes again while it is pushed: its pushed outcome must not settle the newer change.
    await queuePushes(db.db, 'oms', [ids.K2!], 'run-2');
    await db.db.insertInto('external_ids').values({ connector: 'oms', external_id: 'TAKEN', customer_id: ids.K1!, run_id: 'test' }).execute();
    await settlePushes(
      db.db,
      'oms',
      [
        { due: due.get(ids.P1!)!, outcome: { kind: 'pushed', externalId: 'OMS-P1', action: 'created' } },
        { due: due.get(ids.C1!)!, outcome: { kind: 'retry', afterMs: 60_000, error: '503 from the OMS' } },
        { due: due.get(ids.C2!)!, outcome: { kind: 'failed', error: '400: bad name' } },
        { due: due.get(ids.K1!)!, outcome: { kind: 'skipped', reason: 'deleted before it was pushed' } },
        { due: due.get(ids.K2!)!, outcome: { kind: 'pushed', externalId: 'TAKEN', action: 'created' } },
      ],
      'push/oms',
    );
    expect(await states()).toEqual({
      P1: { status: 'pushed', attempts: 0, lastError: null, lastAction: 'created' },
      C1: { status: 'pending', attempts: 1, lastError: '503 from the OMS', lastAction: null },
      C2: { status: 'failed', attempts: 1, lastError: '400: bad name', lastAction: null },
      K1: { status: 'skipped', attempts: 0, lastError: 'deleted before it was pushed', lastAction: null },
      K2: { status: 'failed', attempts: 1, lastError: `oms answered with id TAKEN, which is customer ${ids.K1}'s id there: not stored`, lastAction: null },
    });
    const stored = await db.db.selectFrom('external_ids').select(['external_id', 'customer_id']).where('connector', '=', 'oms').orderBy('external_id').execute();
    expect(stored).toEqual([
      { external_id: 'OMS-P1', customer_id: ids.P1 },
      { external_id: 'TAKEN', customer_id: ids.K1 },
    ]);
    // The retry waits as it was told; nothing else is due.
    expect(await duePushes(db.db, 'oms', 10)).toEqual([]);
  });

  it('leaves a push pending when its customer changed while it was pushed', async () => {
    await queuePushes(db.db, 'oms', [ids.K2!], 'run-3');
    const [due] = await duePushes(db.db, 'oms', 10);
    await queuePushes(db.db, 'oms', [ids.K2!], 'run-4');
    await settlePushes(db.db, 'oms', [{ due: due!, outcome: { kind: 'pushed', externalId: 'OMS-K2', action: 'created' } }], 'push/oms');
    expect((await states()).K2).toEqual({ status: 'pending', attempts: 0, lastError: null, lastAction: 'created' });
    expect((await duePushes(db.db, 'oms', 10)).map((d) => d.customer_id)).toEqual([ids.K2]);
  });

  it('queues the customer a merged one is now, through every merge since', async () => {
    for (const id of ['M1', 'M2', 'M3']) await create(id, { type: 'PERSON', name: { firstName: id } });
    await db.db.updateTable('customers').set({ merged_into: ids.M2! }).where('id', '=', ids.M1!).execute();
    await db.db.updateTable('customers').set({ merged_into: ids.M3! }).where('id', '=', ids.M2!).execute();
    expect(await queuePushes(db.db, 'shop', [ids.M1!, ids.M2!, ids.K1!], 'run-3')).toBe(2);
    const queued = await db.db.selectFrom('customer_pushes').select('customer_id').where('target', '=', 'shop').execute();
    expect(queued.map((q) => q.customer_id).sort()).toEqual([ids.M3!, ids.K1!].sort());
  });
});
