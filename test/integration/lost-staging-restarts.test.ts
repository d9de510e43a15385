import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { WorkflowFailedError } from '@temporalio/client';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootCauseMessage } from '../../src/domain/root-cause-message.js';
import { MAX_RESTAGINGS } from '../../src/workflows/customer-sync/restage.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('a run whose staging is lost again and again', () => {
  let db: TestDatabase;
  let h: SyncHarness;
  let plans = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    /** Before every plan, the run's staging is emptied, as PostgreSQL's crash recovery empties it. */
    class CrashBeforePlan implements ActivityInboundCallsInterceptor {
      constructor(private readonly type: string) {}
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        if (this.type === 'planMerge') {
          plans++;
          await sql`truncate staging_records, staging_sentinels`.execute(db.db);
        }
        return next(input);
      }
    }
    h = await startSyncHarness(
      {
        connectors: { erp: { type: 'flat-file', folder: inboxWith(SNAPSHOT), referenceData: join(SHARED_DATA, 'reference-data.json') } },
        flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses'] }, schedule: false } },
      },
      { database: db, interceptors: { activity: [(ctx) => ({ inbound: new CrashBeforePlan(ctx.info.activityType) })] } },
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it(`begins again ${MAX_RESTAGINGS} times, then fails saying why, having merged nothing`, async () => {
    const handle = await h.start('erp');
    const failure = await handle.result().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(rootCauseMessage(failure)).toContain('its staged records are gone');
    expect(plans).toBe(MAX_RESTAGINGS + 1);
    const run = await db.db.selectFrom('sync_runs').select(['status', 'error']).where('id', '=', handle.workflowId).executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
    expect(run.error).toContain('custsync run erp');
    expect(await db.db.selectFrom('customers').select('id').execute()).toEqual([]);

    const recordTo = process.env.CUSTSYNC_RECORD_HISTORIES;
    if (recordTo) {
      // The first execution: staged, lost its staging before the plan, began again (the patch's marker).
      const first = await h.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
      writeFileSync(join(recordTo, 'customer-sync-staging-lost-v6.json'), historyToJSON(first));
    }
  });
});
