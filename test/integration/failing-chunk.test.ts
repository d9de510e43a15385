import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerCode } from '../../bench/customer-generator.js';
import { writeReferenceData, writeTemplateFile } from '../../bench/template-file-writer.js';
import { retryRun } from '../../src/operations/runs.js';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import { rootCauseMessage } from '../../src/domain/root-cause-message.js';
import { resolveTemporalCli } from '../../src/tooling/temporal-cli.js';
import type { customerSyncWorkflow } from '../../src/workflows/customer-sync-workflow.js';
import { customerContent } from '../support/content-tables.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const exec = promisify(execFile);
const CUSTOMERS = 400;
const REFUSED = customerCode(250);

interface HistoryEvent {
  eventId?: unknown;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
  activityTaskCancelRequestedEventAttributes?: { scheduledEventId?: unknown };
  activityTaskFailedEventAttributes?: { scheduledEventId?: unknown };
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown };
  activityTaskCanceledEventAttributes?: { scheduledEventId?: unknown };
}

describe('a merge chunk that fails', () => {
  let failing: SyncHarness;
  let undisturbed: SyncHarness;
  let resetByCli: SyncHarness;
  let continued: SyncHarness;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custsync-failing-'));
    mkdirSync(join(dir, 'inbox'));
    await writeTemplateFile(join(dir, 'inbox', 'customer_20261101T000000.txt'), CUSTOMERS);
    await writeReferenceData(join(dir, 'reference-data.json'));
    const config = {
      connectors: { erp: { type: 'flat-file', folder: join(dir, 'inbox'), referenceData: join(dir, 'reference-data.json') } },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: TEMPLATE_ASPECTS }, chunkSize: 10, schedule: false } },
    };
    [failing, undisturbed, resetByCli] = [await startSyncHarness(config), await startSyncHarness(config), await startSyncHarness(config)];
    // Five chunks per execution: the run has continued as new several times when the chunk fails.
    continued = await startSyncHarness({ ...config, flows: { erp: { ...config.flows.erp, chunksPerExecution: 5 } } });
    // The database refuses one customer, as a constraint would: the same on every attempt.
    for (const h of [failing, resetByCli]) {
      await sql`create function refuse_one() returns trigger language plpgsql as $$
        begin
          if new.source_id = ${sql.lit(REFUSED)} then
            raise exception 'customer % refused by a test trigger', new.source_id using errcode = 'check_violation';
          end if;
          return new;
        end $$`.execute(h.db.db);
      await sql`create trigger refuse_one before insert on customers for each row execute function refuse_one()`.execute(h.db.db);
    }
    // Chunks go in customer-id order, which is random for new customers: it refuses every customer past the 300th, so that
    // the run has merged 30 chunks, and continued as new five times, when it fails.
    await sql`create function refuse_late() returns trigger language plpgsql as $$
      begin
        if (select count(*) from customers) >= 300 then
          raise exception 'customer % refused by a test trigger', new.source_id using errcode = 'check_violation';
        end if;
        return new;
      end $$`.execute(continued.db.db);
    await sql`create trigger refuse_late before insert on customers for each row execute function refuse_late()`.execute(continued.db.db);
  });
  afterAll(async () => {
    await failing?.close();
    await undisturbed?.close();
    await resetByCli?.close();
    await continued?.close();
  });

  it('fails the run at once with the database’s words, after cancelling the other merge lane', async () => {
    const handle = await failing.start('erp');
    const failure = await handle.result().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(rootCauseMessage(failure)).toContain(`customer ${REFUSED} refused by a test trigger`);

    const events = (await handle.fetchHistory()).events as HistoryEvent[];
    const id = (e: HistoryEvent) => Number(e.eventId);
    const scheduled = new Map(
      events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => [id(e), e.activityTaskScheduledEventAttributes!.activityType!.name]),
    );
    const failed = events.find((e) => e.activityTaskFailedEventAttributes)!;
    const finish = events.find((e) => id(e) > id(failed) && scheduled.get(id(e)) === 'finishRun')!;
    expect(finish).toBeDefined();
    // No chunk starts after the failure, and every chunk has ended before the cleanup starts.
    const chunks = [...scheduled].filter(([, name]) => name === 'mergeChunk').map(([eventId]) => eventId);
    expect(chunks.every((c) => c < id(failed))).toBe(true);
    const closed = new Set(
      events
        .filter((e) => id(e) < id(finish))
        .map((e) =>
          Number(
            (e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskCanceledEventAttributes)
              ?.scheduledEventId ?? 0,
          ),
        ),
    );
    expect(chunks.filter((c) => !closed.has(c))).toEqual([]);
    const staged = await sql<{ n: number }>`select count(*)::int as n from staging_records`.execute(failing.db.db);
    expect(staged.rows[0]!.n).toBe(0);
  });

  it('once the cause is fixed, `runs retry` brings it to the state of an undisturbed run', async () => {
    const [failedRun] = await failing.db.db.selectFrom('sync_runs').select('id').where('status', '=', 'failed').execute();
    const committedBefore = await sql<{ n: number }>`select count(*)::int as n from customers`.execute(failing.db.db);
    expect(committedBefore.rows[0]!.n).toBeGreaterThan(0);
    await sql`drop trigger refuse_one on customers`.execute(failing.db.db);

    await retryRun({ client: failing.client, temporal: failing.temporal }, failedRun!.id);
    const retried = await failing.client.workflow.getHandle<typeof customerSyncWorkflow>(failedRun!.id).result();
    const reference = await undisturbed.run('erp');
    expect(retried.status).toBe('completed');
    expect(retried.totals).toEqual(reference.totals);
    expect(retried.totals.created).toBe(CUSTOMERS);
    expect(await customerContent(failing.db)).toEqual(await customerContent(undisturbed.db));
  });

  it('gets there with `temporal workflow reset` too', async () => {
    const handle = await resetByCli.start('erp');
    expect(await handle.result().catch((e: unknown) => e)).toBeInstanceOf(WorkflowFailedError);
    await sql`drop trigger refuse_one on customers`.execute(resetByCli.db.db);
    const cli = await resolveTemporalCli();
    expect(cli).toBeDefined();
    await exec(cli!, [
      'workflow', 'reset', '--address', resetByCli.temporal.address, '--namespace', resetByCli.temporal.namespace,
      '--workflow-id', handle.workflowId, '--type', 'FirstWorkflowTask', '--reason', 'retry after fixing the data',
    ]);
    const retried = await resetByCli.client.workflow.getHandle<typeof customerSyncWorkflow>(handle.workflowId).result();
    expect(retried.status).toBe('completed');
    expect(retried.totals.created).toBe(CUSTOMERS);
    expect(await customerContent(resetByCli.db)).toEqual(await customerContent(undisturbed.db));
  });

  it('`runs retry` of a run that had continued as new stages its inputs again before merging on', async () => {
    const handle = await continued.start('erp');
    expect(await handle.result().catch((e: unknown) => e)).toBeInstanceOf(WorkflowFailedError);
    const begun = (await handle.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!;
    expect(begun.continuedExecutionRunId).toBeTruthy();
    await sql`drop trigger refuse_late on customers`.execute(continued.db.db);

    // The failed execution merges from where it stopped; the staging it merges from was cleared when the run failed.
    await retryRun({ client: continued.client, temporal: continued.temporal }, handle.workflowId);
    const retried = await continued.client.workflow.getHandle<typeof customerSyncWorkflow>(handle.workflowId).result();
    expect(retried.status).toBe('completed');
    expect(retried.totals.created).toBe(CUSTOMERS);
    expect(await customerContent(continued.db)).toEqual(await customerContent(undisturbed.db));
  });
});
