import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import { createTestActivities } from '../support/test-activities.js';
import { configSchema } from '../../src/config/config-schema.js';
import { planFlow } from '../../src/config/flow-plan.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { inputHashOf, stepsSignature } from '../../src/merge/index.js';
import { eraseFromUnchangedPages } from '../../src/db/repositories/unchanged-pages.js';

const inbox = inboxWith(SNAPSHOT);
const config = configSchema.parse({
  connectors: { erp: { type: 'flat-file', folder: inbox, referenceData: join(SHARED_DATA, 'reference-data.json') } },
  flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses', 'contactPersons', 'customerAttributes'] } } },
});
const { steps } = planFlow(config, 'erp', { trigger: 'test' });

/** The snapshot again, with one more shipping address of C1002 at the end, rows away from its others. */
function snapshotWithC1002AddressApart(): string {
  const lines = readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').split('\n');
  const c1002 = lines.find((l) => l.split('|')[1] === 'C1002' && l.split('|')[25] === 'S')!.split('|');
  c1002[26] = 'S-1002-09';
  c1002[27] = 'Nordic Style Malmö';
  c1002[30] = 'Malmö';
  const body = lines.filter((l) => l !== '');
  return [...body, c1002.join('|'), ''].join('\n');
}

describe('customers whose source supplies what it supplied last time', () => {
  let db: TestDatabase;
  let acts: Activities;
  const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> => new MockActivityEnvironment().run(fn, ...args);

  const staged = async (runId: string) =>
    (
      await sql<{ external_id: string; unstaged: boolean; has_customer: boolean }>`select external_id, unchanged as unstaged,
        customer_id is not null as has_customer from staged_customers where run_id = ${runId} order by external_id, seq`.execute(db.db)
    ).rows;

  async function stage(runId: string) {
    await run(acts.beginRun, { runId, flow: 'erp', trigger: 'test', mode: 'full', steps });
    const [input] = await run(acts.selectInputs, { runId, stepIndex: 0, connector: 'erp' });
    const result = await run(acts.stageStep, { runId, stepIndex: 0, connector: 'erp', input: input!, inputIndex: 0, pageSize: 2, skipUnchanged: { steps } });
    await run(acts.matchStep, { runId, stepIndex: 0, connector: 'erp', role: 'source' });
    return { input: input!, result };
  }

  async function merge(runId: string) {
    const plan = await run(acts.planMerge, { runId, steps, chunkSize: 10 });
    const chunks = [];
    for (let i = 0; i < plan.chunks; i++) chunks.push(await run(acts.mergeChunk, { runId, steps, source: 'connector', chunkIndex: i, limit: 10 }));
    return { plan, chunks };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    acts = createTestActivities(db, config);
    await stage('first');
    await merge('first');
  });
  afterAll(async () => db?.drop());

  it('stages every record the first time: no customer is stored yet', async () => {
    const rows = await staged('first');
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => !r.unstaged)).toBe(true);
    expect(await db.db.selectFrom('customers').select('source_id').execute()).toHaveLength(4);
  });

  it('leaves an unchanged customer unstaged, keeping its customer and hash, and plans nothing to merge', async () => {
    const { result } = await stage('again');
    expect(result).toEqual({ read: 8, staged: 4, rejected: 0 });
    expect(await staged('again')).toEqual(['C1001', 'C1002', 'C1003', 'C1004'].map((id) => ({ external_id: id, unstaged: true, has_customer: true })));
    const { plan } = await merge('again');
    expect(plan).toEqual({ chunks: 0, toMerge: 0, unchanged: 4 });
  });

  it('recognizes unchanged customers by their rows before mapping them, and maps one whose stored state was merged from something else', async () => {
    const digests = await db.db.selectFrom('source_digests').select(['external_id', 'record_hash']).orderBy('external_id').execute();
    expect(digests.map((d) => d.external_id)).toEqual(['C1001', 'C1002', 'C1003', 'C1004']);
    const stored = await db.db.selectFrom('customers').select(['source_id', 'input_hash']).execute();
    const signature = stepsSignature(steps);
    try {
      // C1001's digest and stored state say its rows map to a record hashed "as-recorded": only a read that trusts its rows stages that hash.
      await db.db.updateTable('source_digests').set({ record_hash: 'as-recorded' }).where('external_id', '=', 'C1001').execute();
      await db.db.updateTable('customers').set({ input_hash: inputHashOf(signature, [{ stepIndex: 0, recordHash: 'as-recorded' }]) }).where('source_id', '=', 'C1001').execute();
      await db.db.updateTable('customers').set({ input_hash: 'merged-from-elsewhere' }).where('source_id', '=', 'C1003').execute();
      await stage('recognized');
      const rows = await staged('recognized');
      expect(rows.map((r) => [r.external_id, r.unstaged])).toEqual([['C1001', true], ['C1002', true], ['C1003', false], ['C1004', true]]);
      const c1003 = await db.db.selectFrom('staging_records').select('record_hash').where('run_id', '=', 'recognized').where('external_id', '=', 'C1003').execute();
      expect(c1003.map((r) => r.record_hash)).toEqual([digests[2]!.record_hash]);
      expect((await merge('recognized')).plan).toEqual({ chunks: 1, toMerge: 1, unchanged: 3 });
    } finally {
      for (const c of stored) await db.db.updateTable('customers').set({ input_hash: c.input_hash }).where('source_id', '=', c.source_id).execute();
      await db.db.updateTable('source_digests').set({ record_hash: digests[0]!.record_hash }).where('external_id', '=', 'C1001').execute();
    }
  });

  it('keeps each customer\'s input hash with its external ids: written with a new customer, following every change of it', async () => {
    const kept = async () =>
      (
        await sql<{ external_id: string; kept: string | null; own: string | null }>`select e.external_id, e.input_hash as kept, c.input_hash as own
          from external_ids e join customers c on c.id = e.customer_id order by e.external_id`.execute(db.db)
      ).rows;
    const before = await kept();
    expect(before.map((r) => r.external_id)).toEqual(['C1001', 'C1002', 'C1003', 'C1004']);
    expect(before.every((r) => r.kept !== null && r.kept === r.own)).toBe(true);
    const c1003 = before[2]!.own!;
    try {
      // As a customer merge or a review's approval changes it: the external id follows, and the re-sync stages the customer.
      await db.db.updateTable('customers').set({ input_hash: 'merged-from-elsewhere' }).where('source_id', '=', 'C1003').execute();
      expect((await kept())[2]).toEqual({ external_id: 'C1003', kept: 'merged-from-elsewhere', own: 'merged-from-elsewhere' });
      await stage('followed');
      expect((await staged('followed')).map((r) => [r.external_id, r.unstaged])).toEqual([['C1001', true], ['C1002', true], ['C1003', false], ['C1004', true]]);
    } finally {
      await db.db.updateTable('customers').set({ input_hash: c1003 }).where('source_id', '=', 'C1003').execute();
    }
    expect(await kept()).toEqual(before);
  });

  it('gives an external id moved to another customer that customer\'s input hash, and reads the customer\'s own where an id holds none', async () => {
    const ids = Object.fromEntries(
      (await db.db.selectFrom('customers').select(['source_id', 'id', 'input_hash']).execute()).map((c) => [c.source_id, c]),
    );
    const moveC1001To = (customerId: string) => db.db.updateTable('external_ids').set({ customer_id: customerId }).where('external_id', '=', 'C1001').execute();
    const keptOfC1001 = async () => (await db.db.selectFrom('external_ids').select('input_hash').where('external_id', '=', 'C1001').executeTakeFirstOrThrow()).input_hash;
    try {
      // Named by C1002's customer now, whose state C1001's rows did not make: staged, not taken as unchanged.
      await moveC1001To(ids.C1002!.id);
      expect(await keptOfC1001()).toBe(ids.C1002!.input_hash);
      await stage('moved');
      expect((await staged('moved')).filter((r) => r.external_id === 'C1001').map((r) => r.unstaged)).toEqual([false]);
    } finally {
      await moveC1001To(ids.C1001!.id);
    }
    expect(await keptOfC1001()).toBe(ids.C1001!.input_hash);
    try {
      // As an external id written before the hash was kept with it: the customer's row says what it was merged from.
      await db.db.updateTable('external_ids').set({ input_hash: null }).where('external_id', '=', 'C1001').execute();
      await stage('not-kept');
      expect((await staged('not-kept')).every((r) => r.unstaged)).toBe(true);
    } finally {
      await db.db.updateTable('external_ids').set({ input_hash: ids.C1001!.input_hash }).where('external_id', '=', 'C1001').execute();
    }
  });

  it('stages the input whole when it names an unchanged customer again further on, and merges what the second record adds', async () => {
    const codesOfC1002 = async () =>
      (
        await sql<{ code: string }>`select a.code from addresses a join customers c on c.id = a.customer_id
          where c.source_id = 'C1002' order by a.code`.execute(db.db)
      ).rows.map((r) => r.code);
    const before = await codesOfC1002();
    expect(before.length).toBeGreaterThan(0);
    writeFileSync(join(inbox, 'customer_20261102T020000.txt'), snapshotWithC1002AddressApart());
    const { input, result } = await stage('apart');
    expect(input.name).toBe('customer_20261102T020000.txt');
    expect(result).toEqual({ read: 9, staged: 4, rejected: 0 });
    const rows = await staged('apart');
    expect(rows.filter((r) => r.external_id === 'C1002')).toEqual([
      { external_id: 'C1002', unstaged: false, has_customer: true },
      { external_id: 'C1002', unstaged: false, has_customer: true },
    ]);
    const { plan, chunks } = await merge('apart');
    expect(plan).toEqual({ chunks: 1, toMerge: 1, unchanged: 3 });
    expect(chunks[0]!.totals).toMatchObject({ customers: 1, updated: 1, rejected: 0 });
    expect(await codesOfC1002()).toEqual([...before, 'S-1002-09'].sort());
  });

  it('rewrites an updated customer’s rows only in the tables where they changed: a renamed customer keeps its contact persons and attributes', async () => {
    const rowVersions = async () =>
      (
        await sql<{ table: string; versions: string }>`select 'addresses' as table, string_agg(a.item_key || '@' || a.xmin::text, ',' order by a.item_key) as versions
            from addresses a join customers c on c.id = a.customer_id where c.source_id = 'C1001'
          union all select 'contact_persons', string_agg(p.item_key || '@' || p.xmin::text, ',' order by p.item_key)
            from contact_persons p join customers c on c.id = p.customer_id where c.source_id = 'C1001'
          union all select 'customer_attributes', string_agg(t.item_key || '@' || t.xmin::text, ',' order by t.item_key)
            from customer_attributes t join customers c on c.id = t.customer_id where c.source_id = 'C1001'`.execute(db.db)
      ).rows;
    const before = await rowVersions();
    expect(before.every((r) => r.versions)).toBe(true);
    const renamed = snapshotWithC1002AddressApart()
      .split('\n')
      .map((l) => (l.split('|')[1] === 'C1001' ? ['Acme Boutique & Co', ...l.split('|').slice(1)].join('|') : l))
      .join('\n');
    writeFileSync(join(inbox, 'customer_20261103T020000.txt'), renamed);
    await stage('renamed');
    const { plan, chunks } = await merge('renamed');
    expect(plan).toEqual({ chunks: 1, toMerge: 1, unchanged: 3 });
    expect(chunks[0]!.totals).toMatchObject({ customers: 1, updated: 1, rejected: 0 });
    const c1001 = await db.db.selectFrom('customers').select(['company_name', 'updated_run_id']).where('source_id', '=', 'C1001').executeTakeFirstOrThrow();
    expect(c1001).toEqual({ company_name: 'Acme Boutique & Co', updated_run_id: 'renamed' });
    // An address without a name of its own is named after the profile: the addresses changed, the others did not.
    const after = await rowVersions();
    expect(after.filter((r) => r.table !== 'addresses')).toEqual(before.filter((r) => r.table !== 'addresses'));
    expect(after.find((r) => r.table === 'addresses')).not.toEqual(before.find((r) => r.table === 'addresses'));
    const names = await sql<{ name: string }>`select a.name from addresses a join customers c on c.id = a.customer_id where c.source_id = 'C1001' order by a.item_key`.execute(db.db);
    expect(names.rows.map((r) => r.name)).toContain('Acme Boutique & Co');
  });
});

describe('unchanged customers kept a page at a time', () => {
  const pagesInbox = inboxWith(SNAPSHOT);
  const pagesConfig = configSchema.parse({
    connectors: { erp: { type: 'flat-file', folder: pagesInbox, referenceData: join(SHARED_DATA, 'reference-data.json') } },
    flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses', 'contactPersons', 'customerAttributes'] } } },
  });
  const pagesSteps = planFlow(pagesConfig, 'erp', { trigger: 'test' }).steps;
  let db: TestDatabase;
  let acts: Activities;
  const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> => new MockActivityEnvironment().run(fn, ...args);
  const inputNamed = (name: string) => ({ name, checksum: createHash('sha256').update(readFileSync(join(pagesInbox, name))).digest('hex') });
  const stageInput = (runId: string, name: string, inputIndex: number, pageSize: number) =>
    run(acts.stageStep, { runId, stepIndex: 0, connector: 'erp', input: inputNamed(name), inputIndex, pageSize, skipUnchanged: { steps: pagesSteps } });
  const named = async (runId: string) =>
    (
      await sql<{ external_id: string; unchanged: boolean }>`select external_id, unchanged from staged_customers
        where run_id = ${runId} order by external_id, seq`.execute(db.db)
    ).rows.map((r) => `${r.external_id}${r.unchanged ? ' unchanged' : ''}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    acts = createTestActivities(db, pagesConfig);
    await run(acts.beginRun, { runId: 'first', flow: 'erp', trigger: 'test', mode: 'full', steps: pagesSteps });
    await stageInput('first', SNAPSHOT, 0, 2);
    await run(acts.matchStep, { runId: 'first', stepIndex: 0, connector: 'erp', role: 'source' });
    const plan = await run(acts.planMerge, { runId: 'first', steps: pagesSteps, chunkSize: 10 });
    for (let i = 0; i < plan.chunks; i++) await run(acts.mergeChunk, { runId: 'first', steps: pagesSteps, source: 'connector', chunkIndex: i, limit: 10 });
  });
  afterAll(async () => db?.drop());

  it('counts each customer once when a retried read pages the input otherwise', async () => {
    await run(acts.beginRun, { runId: 'retried', flow: 'erp', trigger: 'test', mode: 'full', steps: pagesSteps });
    expect(await stageInput('retried', SNAPSHOT, 0, 3)).toEqual({ read: 8, staged: 4, rejected: 0 });
    expect(await stageInput('retried', SNAPSHOT, 0, 2)).toEqual({ read: 8, staged: 4, rejected: 0 });
    expect(await named('retried')).toEqual(['C1001 unchanged', 'C1002 unchanged', 'C1003 unchanged', 'C1004 unchanged']);
    expect(await run(acts.matchStep, { runId: 'retried', stepIndex: 0, connector: 'erp', role: 'source' })).toEqual({ matched: 4, unmatched: 0 });
    expect(await run(acts.planMerge, { runId: 'retried', steps: pagesSteps, chunkSize: 10 })).toEqual({ chunks: 0, toMerge: 0, unchanged: 4 });
  });

  it('lets a later input of the run replace what an earlier one left unchanged: the customer is merged once, from the later record', async () => {
    const lines = readFileSync(join(pagesInbox, SNAPSHOT), 'utf8').split('\n');
    const renamedC1004 = lines.filter((l) => l.split('|')[1] === 'C1004').map((l) => ['Renamed Four', ...l.split('|').slice(1)].join('|'));
    writeFileSync(join(pagesInbox, 'customer_20261101T050000_delta.txt'), [lines[0], ...renamedC1004, ''].join('\n'));
    await run(acts.beginRun, { runId: 'two-inputs', flow: 'erp', trigger: 'test', mode: 'full', steps: pagesSteps });
    await stageInput('two-inputs', SNAPSHOT, 0, 2);
    await stageInput('two-inputs', 'customer_20261101T050000_delta.txt', 1, 2);
    expect(await named('two-inputs')).toEqual(['C1001 unchanged', 'C1002 unchanged', 'C1003 unchanged', 'C1004']);
    await run(acts.matchStep, { runId: 'two-inputs', stepIndex: 0, connector: 'erp', role: 'source' });
    const plan = await run(acts.planMerge, { runId: 'two-inputs', steps: pagesSteps, chunkSize: 10 });
    expect(plan).toEqual({ chunks: 1, toMerge: 1, unchanged: 3 });
    await run(acts.mergeChunk, { runId: 'two-inputs', steps: pagesSteps, source: 'connector', chunkIndex: 0, limit: 10 });
    const c1004 = await db.db.selectFrom('customers').select('company_name').where('source_id', '=', 'C1004').executeTakeFirstOrThrow();
    expect(c1004.company_name).toBe('Renamed Four');
  });

  it('takes an erased customer out of every page that names it', async () => {
    const c1002 = await db.db.selectFrom('customers').select('id').where('source_id', '=', 'C1002').executeTakeFirstOrThrow();
    expect(await db.db.transaction().execute((trx) => eraseFromUnchangedPages(trx, c1002.id, ['C1002']))).toBe(2);
    expect(await named('retried')).toEqual(['C1001 unchanged', 'C1003 unchanged', 'C1004 unchanged']);
    expect(await named('two-inputs')).toEqual(['C1001 unchanged', 'C1003 unchanged', 'C1004']);
  });
});
