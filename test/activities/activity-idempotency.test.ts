import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import { createTestActivities } from '../support/test-activities.js';
import { configSchema } from '../../src/config/config-schema.js';
import { planFlow } from '../../src/config/flow-plan.js';
import type { StageStepResult } from '../../src/activities/stage-step.js';
import type { ConnectorInput } from '../../src/connectors/connector.js';
import { dumpCustomerTables } from '../support/db-state.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const config = configSchema.parse({
  connectors: {
    erp: {
      type: 'flat-file',
      folder: inboxWith(SNAPSHOT),
      referenceData: join(SHARED_DATA, 'reference-data.json'),
    },
  },
  flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses', 'contactPersons', 'customerAttributes'] } } },
});
const plan_ = planFlow(config, 'erp', { trigger: 'test' });

async function stagingRows(db: TestDatabase, runId: string) {
  const rows = await sql`select step_index, external_id, seq, record, customer_id from staging_records
    where run_id = ${runId} order by step_index, external_id, seq`.execute(db.db);
  return rows.rows;
}

describe('activities are idempotent and resume from their heartbeat', () => {
  let db: TestDatabase;
  let acts: Activities;
  let input: ConnectorInput;
  const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> =>
    new MockActivityEnvironment().run(fn, ...args);

  beforeAll(async () => {
    db = await createTestDatabase();
    acts = createTestActivities(db, config);
    for (const runId of ['run-a', 'run-b']) {
      await run(acts.beginRun, { runId, flow: 'erp', trigger: 'test', mode: 'full', steps: plan_.steps });
    }
    const inputs = await run(acts.selectInputs, { runId: 'run-a', stepIndex: 0, connector: 'erp' });
    input = inputs[0]!;
  });
  afterAll(async () => db?.drop());

  it('staging resumed from a heartbeat cursor equals staging in one go, and staging twice changes nothing', async () => {
    const stage = { stepIndex: 0, connector: 'erp', input: input!, inputIndex: 0, pageSize: 1 };
    const heartbeats: unknown[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
    const whole: StageStepResult = await env.run(acts.stageStep, { ...stage, runId: 'run-a' });
    expect(whole).toEqual({ read: 8, staged: 4, rejected: 0 });
    expect(heartbeats.length).toBeGreaterThanOrEqual(4);

    // run-b: first page only, then a "retry" that resumes from the first heartbeat.
    const partial = new MockActivityEnvironment({ heartbeatDetails: heartbeats[1] });
    const resumed: StageStepResult = await partial.run(acts.stageStep, { ...stage, runId: 'run-b' });
    expect(resumed.read).toBe(8);
    const a = await stagingRows(db, 'run-a');
    const b = await stagingRows(db, 'run-b');
    // Only rows after the cursor were read by the resumed attempt; the first page was not re-read.
    expect(b.length).toBeLessThan(a.length);
    await run(acts.stageStep, { ...stage, runId: 'run-b' });
    expect(await stagingRows(db, 'run-b')).toEqual(a.map((r) => r));

    const again = await run(acts.stageStep, { ...stage, runId: 'run-a' });
    expect(again).toEqual(whole);
    expect(await stagingRows(db, 'run-a')).toEqual(a);
  });

  it('matching twice assigns the same customers', async () => {
    const match = { runId: 'run-a', stepIndex: 0, connector: 'erp', role: 'source' as const };
    const first = await run(acts.matchStep, match);
    const rows = await stagingRows(db, 'run-a');
    const second = await run(acts.matchStep, match);
    expect(second).toEqual(first);
    expect(await stagingRows(db, 'run-a')).toEqual(rows);
  });

  it('planning the merge twice gives the same plan, even after chunks were written', async () => {
    await run(acts.matchStep, { runId: 'run-b', stepIndex: 0, connector: 'erp', role: 'source' });
    const plan = await run(acts.planMerge, { runId: 'run-b', steps: plan_.steps, chunkSize: 3 });
    expect(plan).toEqual({ chunks: 2, toMerge: 4, unchanged: 0 });
    await run(acts.mergeChunk, { runId: 'run-b', steps: plan_.steps, source: 'connector', chunkIndex: 0, limit: 3 });
    expect(await run(acts.planMerge, { runId: 'run-b', steps: plan_.steps, chunkSize: 3 })).toEqual(plan);
    await db.db.deleteFrom('customers').execute();
    await db.db.deleteFrom('sync_run_chunks').execute();
  });

  it('merging a chunk twice writes once and reports the stored outcome', async () => {
    const plan = await run(acts.planMerge, { runId: 'run-a', steps: plan_.steps, chunkSize: 3 });
    expect(plan.chunks).toBe(2);
    const chunk = { runId: 'run-a', steps: plan_.steps, source: 'connector' as const, chunkIndex: 0, limit: 3 };
    const first = await run(acts.mergeChunk, chunk);
    expect(first.totals).toEqual({ customers: 3, created: 3, updated: 0, unchanged: 0, rejected: 0 });
    const state = await dumpCustomerTables(db);
    const second = await run(acts.mergeChunk, chunk);
    expect(second).toEqual(first);
    expect(await dumpCustomerTables(db)).toEqual(state);
    const next = await run(acts.mergeChunk, { ...chunk, chunkIndex: 1 });
    expect(next.totals).toMatchObject({ customers: 1, created: 1 });
    const past = await run(acts.mergeChunk, { ...chunk, chunkIndex: 2 });
    expect(past.totals.customers).toBe(0);
    expect((await dumpCustomerTables(db)).customers).toHaveLength(4);
  });

  it('finishing twice gives the same report and records the file as processed once', async () => {
    const finish = {
      runId: 'run-a',
      status: 'completed' as const,
      steps: [{ role: 'source' as const, connector: 'erp', inputs: [input!.name], read: 8, staged: 4, matched: 0, unmatched: 0, rejected: 0 }],
      consumed: [{ connector: 'erp', input: input! }],
    };
    const first = await run(acts.finishRun, finish);
    const second = await run(acts.finishRun, finish);
    expect({ ...second, durationMs: 0 }).toEqual({ ...first, durationMs: 0 });
    expect(first.totals).toMatchObject({ customers: 4, created: 4 });
    const processed = await db.db.selectFrom('connector_inputs').selectAll().execute();
    expect(processed.map((p) => p.name)).toEqual([SNAPSHOT]);
    expect(await run(acts.selectInputs, { runId: 'run-b', stepIndex: 0, connector: 'erp' })).toEqual([]);
  });

  it('merges into a customer another run created meanwhile, never creating it twice', async () => {
    // run-b matched the four customers as new before run-a created them; run-b merges only now.
    const before = await db.db.selectFrom('customers').select(['id', 'source_id']).orderBy('source_id').execute();
    const late = await run(acts.mergeChunk, { runId: 'run-b', steps: plan_.steps, source: 'connector', afterCustomerId: '', limit: 10 });
    expect(late.totals).toMatchObject({ customers: 4, created: 0 });
    expect(late.totals.updated + late.totals.unchanged).toBe(4);
    expect(await db.db.selectFrom('customers').select(['id', 'source_id']).orderBy('source_id').execute()).toEqual(before);
  });
});
