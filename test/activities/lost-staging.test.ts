import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import { configSchema } from '../../src/config/config-schema.js';
import { planFlow } from '../../src/config/flow-plan.js';
import { dumpCustomerTables } from '../support/db-state.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { createTestActivities } from '../support/test-activities.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const config = configSchema.parse({
  connectors: { erp: { type: 'flat-file', folder: inboxWith(SNAPSHOT), referenceData: join(SHARED_DATA, 'reference-data.json') } },
  flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses', 'contactPersons', 'customerAttributes'] } } },
});
const { steps } = planFlow(config, 'erp', { trigger: 'test' });
const runId = 'sync/erp/lost';

/** What PostgreSQL does to unlogged tables when it starts again after a crash: a run's staging, unchanged pages and sentinel among them. */
async function crashRecovery(db: TestDatabase): Promise<void> {
  const { rows } = await sql<{ name: string }>`select relname as name from pg_class
    where relpersistence = 'u' and relkind = 'r' and relnamespace = current_schema()::regnamespace order by relname`.execute(db.db);
  expect(rows.map((r) => r.name)).toEqual(['staging_records', 'staging_sentinels', 'unchanged_pages']);
  await sql`truncate ${sql.join(rows.map((r) => sql.table(r.name)))}`.execute(db.db);
}

async function expectStagingLost(attempt: Promise<unknown>): Promise<void> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error).toMatchObject({ type: 'StagingLostError', nonRetryable: true });
  expect((error as Error).message).toContain('custsync run erp');
}

describe('a run whose staging PostgreSQL lost decides nothing from it', () => {
  let db: TestDatabase;
  let acts: Activities;
  const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> => new MockActivityEnvironment().run(fn, ...args);
  const stageAndMatch = async () => {
    const [input] = await run(acts.selectInputs, { runId, stepIndex: 0, connector: 'erp' });
    await run(acts.stageStep, { runId, stepIndex: 0, connector: 'erp', input: input!, inputIndex: 0, pageSize: 2 });
    await run(acts.matchStep, { runId, stepIndex: 0, connector: 'erp', role: 'source' });
  };

  beforeEach(async () => {
    db = await createTestDatabase();
    acts = createTestActivities(db, config);
    await run(acts.beginRun, { runId, flow: 'erp', trigger: 'test', mode: 'full', steps });
  });
  afterEach(async () => db?.drop());

  it('staging, matching and planning refuse to go on, and no plan is kept', async () => {
    const [input] = await run(acts.selectInputs, { runId, stepIndex: 0, connector: 'erp' });
    await crashRecovery(db);
    await expectStagingLost(run(acts.stageStep, { runId, stepIndex: 0, connector: 'erp', input: input!, inputIndex: 0, pageSize: 2 }));
    await expectStagingLost(run(acts.matchStep, { runId, stepIndex: 0, connector: 'erp', role: 'source' }));
    await expectStagingLost(run(acts.planMerge, { runId, steps, chunkSize: 2 }));
    expect(await db.db.selectFrom('sync_run_plans').selectAll().execute()).toEqual([]);
  });

  it('a chunk after the crash writes nothing, and no stored customer is found missing', async () => {
    await stageAndMatch();
    const plan = await run(acts.planMerge, { runId, steps, chunkSize: 2 });
    expect(plan.chunks).toBe(2);
    await run(acts.mergeChunk, { runId, steps, source: 'connector', chunkIndex: 0, limit: 2 });
    const afterFirst = await dumpCustomerTables(db);
    expect(afterFirst.customers).toHaveLength(2);

    await crashRecovery(db);
    await expectStagingLost(run(acts.mergeChunk, { runId, steps, source: 'connector', chunkIndex: 1, limit: 2 }));
    expect(await dumpCustomerTables(db)).toEqual(afterFirst);
    await expectStagingLost(run(acts.checkMissing, { runId, connector: 'erp', fullSnapshot: true }));
    expect(await db.db.selectFrom('sync_run_missing').selectAll().execute()).toEqual([]);
    expect((await db.db.selectFrom('sync_runs').select('deletion_status').where('id', '=', runId).executeTakeFirstOrThrow()).deletion_status).toBeNull();
  });

  it('begun again, the run stages anew and merges the chunks it had not merged', async () => {
    await stageAndMatch();
    const plan = await run(acts.planMerge, { runId, steps, chunkSize: 2 });
    await run(acts.mergeChunk, { runId, steps, source: 'connector', chunkIndex: 0, limit: 2 });
    await crashRecovery(db);

    await run(acts.beginRun, { runId, flow: 'erp', trigger: 'test', mode: 'full', steps });
    await stageAndMatch();
    expect(await run(acts.planMerge, { runId, steps, chunkSize: 2 })).toEqual(plan);
    for (let i = 0; i < plan.chunks; i++) await run(acts.mergeChunk, { runId, steps, source: 'connector', chunkIndex: i, limit: 2 });
    expect(await run(acts.checkMissing, { runId, connector: 'erp', fullSnapshot: true })).toMatchObject({ candidates: 0 });
    expect(await dumpCustomerTables(db).then((t) => t.customers)).toHaveLength(4);
  });
});
