import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityExecuteInput, Next } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { writeReferenceData, writeTemplateFile } from '../../bench/template-file-writer.js';
import { startWorkerProcess, type WorkerProcess } from '../../bench/worker-process.js';
import { parseConfig } from '../../src/config/load-config.js';
import { connectDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { planFlow, runKey, runWorkflowId } from '../../src/config/flow-plan.js';
import { APPROVE_DELETIONS_SIGNAL } from '../../src/domain/deletion-signals.js';
import type { RunProgress, RunReport } from '../../src/domain/run-types.js';
import type { customerSyncWorkflow } from '../../src/workflows/customer-sync-workflow.js';
import { customerContent } from '../support/content-tables.js';
import { startSyncHarness } from '../support/sync-harness.js';
import { startPrivatePostgres } from '../support/private-postgres.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The fault matrix: each fault is injected into a run of the same input on a database of its
 * own, and the customers stored afterwards are compared, canonically (keyed by source id, run
 * ids and times left out), with those of an undisturbed run. Each case prints what the fault cost.
 */
/** Customers of the first snapshot; `npm run faults -- --customers N` sets another size. */
const CUSTOMERS = Number(process.env.CUSTSYNC_FAULT_CUSTOMERS ?? 1000);
/** The second, full snapshot lacks a fifth of the customers: more than the 10% threshold, so the run waits for approval. */
const SECOND_SNAPSHOT_CUSTOMERS = Math.round(CUSTOMERS * 0.8);
/** How long one case may take (the suite's size: 3 minutes). */
const CASE_TIMEOUT_MS = Number(process.env.CUSTSYNC_FAULT_TIMEOUT_MS ?? 180_000);
/**
 * What a SIGKILL may add to a run: the flow's 5 s heartbeat timeout after which the activity is
 * retried on the other worker, a new worker's start, and room for the kill cases running at once
 * on two cores. Without the heartbeat timeout it would be the activity's start-to-close timeout:
 * 10 minutes, or 4 hours for staging.
 */
const MAX_EXTRA_AFTER_KILL_MS = 45_000;
const ASPECTS = ['name', 'addresses', 'contactPersons', 'customerAttributes', 'customerContactDetails', 'addressAttributes', 'addressContactDetails'];

type Content = Awaited<ReturnType<typeof customerContent>>;

describe('the fault matrix: every disturbed run ends as the undisturbed one did', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custsync-faults-'));
  const configFile = join(dir, 'custsync.config.yaml');
  const inbox = join(dir, 'inbox');
  const databases: TestDatabase[] = [];
  const workers: WorkerProcess[] = [];
  let connection: Connection;
  let client: Client;
  const FIRST = 'customer_20261101T000000.txt';
  const SECOND = 'customer_20261101T010000.txt';
  const undisturbed = { first: {} as Content, second: {} as Content, firstMs: 0, secondMs: 0, firstTotals: {} as RunReport['totals'] };

  const config = () => parseConfig(readFileSync(configFile, 'utf8'), configFile, dir);
  /** The same config as the file, with its paths made absolute, unparsed (for the in-process harness). */
  const rawConfig = () => ({
    connectors: { erp: { type: 'flat-file', folder: inbox, referenceData: join(dir, 'reference-data.json') } },
    flows: { faults: { source: { type: 'connector', connector: 'erp', aspects: ASPECTS }, chunkSize: 100, heartbeatTimeout: '5s', schedule: false } },
  });
  const worker = async (database: TestDatabase, taskQueue: string) => {
    const w = await startWorkerProcess({ databaseUrl: database.url, temporalAddress: inject('temporalAddress'), workflowBundlePath: inject('workflowBundlePath'), taskQueue, configFile });
    workers.push(w);
    return w;
  };
  const database = async () => {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  };
  /** Polls the run's progress until `done` says so (every 20 ms, for at most a minute). */
  const waitFor = async (handle: WorkflowHandle, what: string, done: (p: RunProgress) => boolean) => {
    for (let i = 0; i < 3000; i++) {
      const p = await handle.query<RunProgress>('progress');
      if (done(p)) return p;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`run ${handle.workflowId} never reached: ${what}`);
  };
  beforeAll(async () => {
    mkdirSync(inbox);
    // Both snapshots stay in the inbox; each run names the one it reads (as `custsync run --file` does).
    await writeTemplateFile(join(inbox, FIRST), CUSTOMERS);
    await writeTemplateFile(join(inbox, SECOND), SECOND_SNAPSHOT_CUSTOMERS);
    await writeReferenceData(join(dir, 'reference-data.json'));
    writeFileSync(
      configFile,
      `connectors:
  erp: { type: flat-file, folder: inbox, referenceData: reference-data.json }
flows:
  faults:
    source: { type: connector, connector: erp, aspects: [${ASPECTS.join(', ')}] }
    chunkSize: 100
    heartbeatTimeout: 5s
    schedule: false
`,
    );
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });

    const db = await database();
    const w = await worker(db, 'faults-undisturbed');
    let started = Date.now();
    const first = await (await startFile('faults-undisturbed', FIRST)).result();
    undisturbed.firstMs = Date.now() - started;
    undisturbed.firstTotals = first.totals;
    undisturbed.first = await customerContent(db);
    started = Date.now();
    const second = await startFile('faults-undisturbed', SECOND);
    await waitFor(second, 'waiting for approval', (p) => p.phase === 'awaiting-deletion-approval');
    await second.signal(APPROVE_DELETIONS_SIGNAL);
    expect((await second.result()).deletion).toMatchObject({ status: 'approved', markedMissing: CUSTOMERS - SECOND_SNAPSHOT_CUSTOMERS });
    undisturbed.secondMs = Date.now() - started;
    undisturbed.second = await customerContent(db);
    await w.stop();
  }, CASE_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    for (const w of workers) w.kill();
    await connection?.close();
    for (const d of databases) await d.drop();
  });

  function startFile(taskQueue: string, file: string) {
    return client.workflow.start<typeof customerSyncWorkflow>('customerSyncWorkflow', {
      taskQueue,
      workflowId: runWorkflowId('faults', `${runKey(new Date())}-${taskQueue}-${file.slice(9, 24)}`),
      args: [planFlow(config(), 'faults', { trigger: 'test', inputs: [file] })],
    });
  }

  /**
   * Kills the worker while the given activity call is surely in flight (the worker holds it
   * and says so), starts another, and checks the run ends as the undisturbed one did.
   */
  async function killFirstRunDuring(name: string, holdActivity: { type: string; call?: number }) {
    const db = await database();
    const queue = `faults-kill-${name}`;
    const w = await startWorkerProcess({ databaseUrl: db.url, temporalAddress: inject('temporalAddress'), workflowBundlePath: inject('workflowBundlePath'), taskQueue: queue, configFile, holdActivity });
    workers.push(w);
    const started = Date.now();
    const handle = await startFile(queue, FIRST);
    await w.holding();
    const at = await handle.query<RunProgress>('progress');
    w.kill();
    await worker(db, queue);
    const report = await handle.result();
    const ms = Date.now() - started;
    console.log(`fault: worker SIGKILL while ${name} (${at.phase}, ${at.chunksDone} chunks done): ${(ms / 1000).toFixed(1)} s, undisturbed ${(undisturbed.firstMs / 1000).toFixed(1)} s, +${((ms - undisturbed.firstMs) / 1000).toFixed(1)} s`);
    expect(report.totals).toEqual(undisturbed.firstTotals);
    expect(await customerContent(db)).toEqual(undisturbed.first);
    expect(ms - undisturbed.firstMs).toBeLessThanOrEqual(MAX_EXTRA_AFTER_KILL_MS);
    return at;
  }

  it.concurrent('SIGKILL of the worker while staging', async () => {
    expect((await killFirstRunDuring('staging', { type: 'stageStep' })).phase).toBe('staging');
  }, CASE_TIMEOUT_MS);

  it.concurrent('SIGKILL of the worker while matching', async () => {
    expect((await killFirstRunDuring('matching', { type: 'matchStep' })).phase).toBe('matching');
  }, CASE_TIMEOUT_MS);

  it.concurrent('SIGKILL of the worker while merging', async () => {
    const at = await killFirstRunDuring('merging', { type: 'mergeChunk', call: 4 });
    expect(at.phase).toBe('merging');
  }, CASE_TIMEOUT_MS);

  it.concurrent('SIGKILL of the worker while the run waits for a deletion approval', async () => {
    const db = await database();
    const queue = 'faults-kill-approval';
    const first = await worker(db, queue);
    await (await startFile(queue, FIRST)).result();
    const started = Date.now();
    const handle = await startFile(queue, SECOND);
    await waitFor(handle, 'waiting for approval', (p) => p.phase === 'awaiting-deletion-approval');
    first.kill();
    await worker(db, queue);
    await handle.signal(APPROVE_DELETIONS_SIGNAL);
    const report = await handle.result();
    console.log(`fault: worker SIGKILL while waiting for approval: ${((Date.now() - started) / 1000).toFixed(1)} s, undisturbed ${(undisturbed.secondMs / 1000).toFixed(1)} s`);
    expect(report.deletion).toMatchObject({ status: 'approved', markedMissing: CUSTOMERS - SECOND_SNAPSHOT_CUSTOMERS });
    expect(await customerContent(db)).toEqual(undisturbed.second);
  }, CASE_TIMEOUT_MS);

  it.concurrent('a PostgreSQL restart in the middle of merging', async () => {
    const pg = await startPrivatePostgres();
    const db = connectDatabase({ url: pg.url, max: 2 });
    try {
      await migrateToLatest(db.db);
      const queue = 'faults-pg-restart';
      const w = await startWorkerProcess({
        databaseUrl: pg.url,
        temporalAddress: inject('temporalAddress'),
        workflowBundlePath: inject('workflowBundlePath'),
        taskQueue: queue,
        configFile,
        holdActivity: { type: 'mergeChunk', call: 4 },
      });
      workers.push(w);
      const started = Date.now();
      const handle = await startFile(queue, FIRST);
      // The fourth chunk waits while PostgreSQL restarts, then merges over the pool's broken connections.
      await w.holding();
      const at = await handle.query<RunProgress>('progress');
      await pg.restart(2_000);
      w.releaseHold();
      const report = await handle.result();
      const ms = Date.now() - started;
      console.log(`fault: PostgreSQL restarted (down 2 s) at chunk ${at.chunksDone}: ${(ms / 1000).toFixed(1)} s, undisturbed ${(undisturbed.firstMs / 1000).toFixed(1)} s, +${((ms - undisturbed.firstMs) / 1000).toFixed(1)} s`);
      // The crash emptied the run's staging (unlogged): the run began again in a new execution, its merged chunks kept.
      const begun = (await handle.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!;
      expect(begun.continuedExecutionRunId).toBeTruthy();
      expect(defaultPayloadConverter.fromPayload<{ restaged?: number }>(begun.input!.payloads![0]!).restaged).toBe(1);
      expect(report.totals).toEqual(undisturbed.firstTotals);
      expect(await customerContent(db)).toEqual(undisturbed.first);
      await w.stop();
    } finally {
      await db.destroy();
      await pg.stop();
    }
  }, CASE_TIMEOUT_MS);

  it.concurrent('every activity’s completion lost once, after its work committed', async () => {
    const lost = new Set<string>();
    /** The first attempt of every activity does its work, then its completion never arrives: Temporal retries it. */
    class LoseFirstCompletion implements ActivityInboundCallsInterceptor {
      constructor(private readonly id: string) {}
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        const result = await next(input);
        if (!lost.has(this.id)) {
          lost.add(this.id);
          throw ApplicationFailure.retryable('the completion of this attempt was lost', 'CompletionLost');
        }
        return result;
      }
    }
    const db = await database();
    const h = await startSyncHarness(rawConfig(), {
      database: db,
      interceptors: { activity: [(ctx) => ({ inbound: new LoseFirstCompletion(`${ctx.info.workflowExecution?.workflowId ?? ''}/${ctx.info.activityId}`) })] },
    });
    try {
      const started = Date.now();
      const first = await h.run('faults', { inputs: [FIRST] });
      console.log(`fault: ${lost.size} activity completions lost: ${((Date.now() - started) / 1000).toFixed(1)} s, undisturbed ${(undisturbed.firstMs / 1000).toFixed(1)} s`);
      expect(first.totals).toEqual(undisturbed.firstTotals);
      expect(await customerContent(db)).toEqual(undisturbed.first);
      const second = await h.start('faults', { inputs: [SECOND] });
      await waitFor(second, 'waiting for approval', (p) => p.phase === 'awaiting-deletion-approval');
      await second.signal(APPROVE_DELETIONS_SIGNAL);
      expect((await second.result()).deletion).toMatchObject({ status: 'approved', markedMissing: CUSTOMERS - SECOND_SNAPSHOT_CUSTOMERS });
      expect(await customerContent(db)).toEqual(undisturbed.second);
      expect(lost.size).toBeGreaterThan(10);
    } finally {
      await h.close();
    }
  }, CASE_TIMEOUT_MS + 60_000);
});
