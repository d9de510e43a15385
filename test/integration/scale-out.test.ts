import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import { writeReferenceData, writeTemplateFile } from '../../bench/template-file-writer.js';
import type { DatabaseHandle } from '../../src/db/connect.js';
import type { RunReport } from '../../src/domain/run-types.js';
import { custsync, startCustsync, writeConfig } from '../support/run-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const CUSTOMERS = 60;
const CHUNK_SIZE = 5;

/** What a customer is, by its source id, without ids or run ids (which differ between two databases). */
async function contentBySourceId(db: DatabaseHandle) {
  const { rows } = await sql<{ source_id: string; content: unknown }>`select c.source_id, jsonb_build_object(
      'customer', to_jsonb(c) - '{id,created_run_id,updated_run_id,run_id,merged,content_hash,created_at,updated_at}'::text[],
      'addresses', (select jsonb_agg(to_jsonb(a) - '{customer_id,run_id}'::text[] order by a.item_key) from addresses a where a.customer_id = c.id),
      'contacts', (select jsonb_agg(to_jsonb(p) - '{customer_id,run_id}'::text[] order by p.item_key) from contact_persons p where p.customer_id = c.id),
      'attributes', (select jsonb_agg(to_jsonb(t) - '{customer_id,run_id}'::text[] order by t.item_key) from customer_attributes t where t.customer_id = c.id)
    ) as content from customers c order by c.source_id`.execute(db.db);
  return rows;
}

/** The worker that ran each `mergeChunk` of a run, and the most chunks scheduled and not yet completed at once, from its history. */
async function chunkWorkers(client: Client, runId: string): Promise<{ workers: string[]; mostInFlight: number }> {
  const history = (await client.workflow.getHandle(runId).fetchHistory()) as {
    events: {
      eventId?: { toString(): string };
      activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
      activityTaskStartedEventAttributes?: { scheduledEventId?: { toString(): string }; identity?: string };
      activityTaskCompletedEventAttributes?: { scheduledEventId?: { toString(): string } };
    }[];
  };
  const chunks = new Set(
    history.events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'mergeChunk').map((e) => e.eventId!.toString()),
  );
  let inFlight = 0;
  let mostInFlight = 0;
  for (const e of history.events) {
    if (chunks.has(e.eventId?.toString() ?? '')) mostInFlight = Math.max(mostInFlight, ++inFlight);
    if (chunks.has(e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() ?? '')) inFlight--;
  }
  const workers = history.events
    .filter((e) => chunks.has(e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() ?? ''))
    .map((e) => e.activityTaskStartedEventAttributes!.identity!);
  return { workers, mostInFlight };
}

describe('several worker processes on one task queue share one run', () => {
  let alone: SyncHarness;
  let one: RunReport;
  let oneContent: Awaited<ReturnType<typeof contentBySourceId>>;
  let config: { connectors: Record<string, unknown>; flows: { erp: Record<string, unknown> } };
  const databases: TestDatabase[] = [];

  beforeAll(async () => {
    const inbox = mkdtempSync(join(tmpdir(), 'custsync-scale-'));
    await writeTemplateFile(join(inbox, 'customer_20261101T020000.txt'), CUSTOMERS);
    await writeReferenceData(join(inbox, 'reference-data.json'));
    config = {
      connectors: { erp: { type: 'flat-file', folder: inbox, pattern: 'customer_*.txt', referenceData: join(inbox, 'reference-data.json') } },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: TEMPLATE_ASPECTS }, chunkSize: CHUNK_SIZE, schedule: false } },
    };
    alone = await startSyncHarness(config);
    one = await alone.run('erp');
    oneContent = await contentBySourceId(alone.db);
  }, 120_000);
  afterAll(async () => {
    await alone?.close();
    for (const db of databases) await db.drop();
  });

  it.concurrent.each([2, 4])('merges the chunks of one run on all of %i workers, into the customers one worker makes', { timeout: 240_000 }, async (count) => {
    const db = await createTestDatabase();
    databases.push(db);
    const env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      CUSTSYNC_TASK_QUEUE: `scale-${randomBytes(4).toString('hex')}`,
      // One activity at a time each, and as many lanes as workers: while a worker merges a chunk, the other lanes' chunks can only go to the others.
      CUSTSYNC_CONFIG: writeConfig(JSON.stringify({ ...config, flows: { erp: { ...config.flows.erp, mergeLanes: count } }, worker: { maxConcurrentActivities: 1 } })),
    };
    const workers = Array.from({ length: count }, () => startCustsync(['worker'], env));
    try {
      for (const w of workers) await expect.poll(() => w.stderr(), { timeout: 120_000, interval: 200 }).toContain('worker polling task queue');
      const run = await custsync(['run', 'erp', '--json'], env, 180_000);
      expect(run.code, run.stderr).toBe(0);
      const shared = JSON.parse(run.stdout) as RunReport;
      expect(shared.status).toBe('completed');
      expect(shared.totals).toEqual(one.totals);
      expect(shared.totals).toMatchObject({ customers: CUSTOMERS, created: CUSTOMERS });

      const { workers: ran, mostInFlight } = await chunkWorkers(alone.client, shared.runId);
      expect(ran).toHaveLength(CUSTOMERS / CHUNK_SIZE);
      expect(new Set(ran).size).toBe(count);
      expect(mostInFlight).toBe(count);
    } finally {
      for (const w of workers) w.kill();
      await Promise.all(workers.map((w) => w.done));
    }
    const content = await contentBySourceId(db);
    expect(content).toHaveLength(CUSTOMERS);
    expect(content).toEqual(oneContent);
  });
});
