import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import { rootCauseMessage } from '../../src/domain/root-cause-message.js';
import { DELTA, inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { rowOf, writeSampleVariant } from '../support/sample-variants.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { waitForPhase } from '../support/wait-for-phase.js';

const SECOND_DELTA = 'customer_20261101T033000_delta.txt';

/** The customers' content by source id: what a user compares, without ids, run ids or timestamps. */
async function contentBySourceId(h: SyncHarness) {
  const rows = await h.db.db.selectFrom('customers').select(['source_id', 'content_hash']).orderBy('source_id').execute();
  const addresses = await h.db.db
    .selectFrom('addresses')
    .innerJoin('customers', 'customers.id', 'addresses.customer_id')
    .select(['customers.source_id', 'addresses.item_key', 'addresses.line2', 'addresses.city'])
    .orderBy('customers.source_id')
    .orderBy('addresses.item_key')
    .execute();
  const attributes = await h.db.db
    .selectFrom('customer_attributes')
    .innerJoin('customers', 'customers.id', 'customer_attributes.customer_id')
    .select(['customers.source_id', 'customer_attributes.key', 'customer_attributes.value'])
    .orderBy('customers.source_id')
    .orderBy('customer_attributes.key')
    .execute();
  return { customers: rows.map((r) => r.source_id), addresses, attributes };
}

function folderOf(h: SyncHarness): string {
  const erp = h.config.connectors.erp!;
  return erp.type === 'flat-file' ? erp.folder : '';
}

function harness(inbox: string) {
  return startSyncHarness({
    connectors: { erp: { type: 'flat-file', folder: inbox, referenceData: join(SHARED_DATA, 'reference-data.json') } },
    flows: {
      erp: { source: { type: 'connector', connector: 'erp', aspects: TEMPLATE_ASPECTS }, schedule: false, deletion: { threshold: 50 } },
    },
  });
}

describe('a backlog of a full snapshot and two deltas', () => {
  let backlog: SyncHarness;
  let oneByOne: SyncHarness;
  beforeAll(async () => {
    const a = inboxWith(SNAPSHOT, DELTA);
    writeSampleVariant(a, DELTA, SECOND_DELTA, (row) => row.includes('|C1001|'), (row) => row.replace('|15|Y|', '|20|Y|'));
    const b = inboxWith(SNAPSHOT);
    [backlog, oneByOne] = [await harness(a), await harness(b)];
  });
  afterAll(async () => {
    await backlog?.close();
    await oneByOne?.close();
  });

  it('syncs in one run to the state of applying the files one run after another, and reports each input', async () => {
    const report = await backlog.run('erp');
    expect(report.steps[0]!.inputDetails).toEqual([
      { name: SNAPSHOT, kind: 'full', status: 'applied', read: 8, rejected: 0, warnings: [] },
      { name: DELTA, kind: 'delta', status: 'applied', read: 5, rejected: 0, warnings: [] },
      { name: SECOND_DELTA, kind: 'delta', status: 'applied', read: 4, rejected: 0, warnings: [] },
    ]);
    expect(report.totals).toMatchObject({ created: 5 });
    expect((await backlog.run('erp')).steps[0]!.inputs).toEqual([]);

    await oneByOne.run('erp');
    const folder = folderOf(oneByOne);
    writeSampleVariant(folder, DELTA, DELTA, () => true);
    await oneByOne.run('erp');
    writeSampleVariant(folder, DELTA, SECOND_DELTA, (row) => row.includes('|C1001|'), (row) => row.replace('|15|Y|', '|20|Y|'));
    await oneByOne.run('erp');

    const [inOneRun, inThreeRuns] = [await contentBySourceId(backlog), await contentBySourceId(oneByOne)];
    expect(inOneRun).toEqual(inThreeRuns);
    expect(inOneRun.attributes).toContainEqual({ source_id: 'C1001', key: 'discount', value: 20 });
  });

  it('skips snapshots a later snapshot supersedes and records them as processed', async () => {
    const inbox = folderOf(backlog);
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261102T010000.txt', () => true);
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261102T020000.txt', () => true, (row) => row.replace('|Acme NYC|', '|Acme New York|'));
    const report = await backlog.run('erp');
    expect(report.steps[0]!.inputDetails.map((d) => [d.name, d.status])).toEqual([
      ['customer_20261102T010000.txt', 'superseded'],
      ['customer_20261102T020000.txt', 'applied'],
    ]);
    expect((await backlog.run('erp')).steps[0]!.inputs).toEqual([]);
  });
});

describe('a run started from another config', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await harness(inboxWith(SNAPSHOT));
  });
  afterAll(async () => h?.close());

  it('is refused by the worker with a clear error, and nothing is synced', async () => {
    const handle = await h.start('erp', { input: { configFingerprint: 'a1b2c3d4e5f6' } });
    const failure = await handle.result().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(rootCauseMessage(failure)).toMatch(/started from a config of flow "erp" \(fingerprint a1b2c3d4e5f6\) that differs from the worker's/);
    const run = await h.db.db.selectFrom('sync_runs').selectAll().where('id', '=', handle.workflowId).executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
    expect(await h.db.db.selectFrom('customers').select('id').execute()).toEqual([]);
  });
});

describe('one run per flow at a time', () => {
  let h: SyncHarness;
  let inbox: string;
  beforeAll(async () => {
    inbox = inboxWith(SNAPSHOT);
    h = await startSyncHarness({
      connectors: { erp: { type: 'flat-file', folder: inbox, referenceData: join(SHARED_DATA, 'reference-data.json') } },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: TEMPLATE_ASPECTS }, schedule: false } },
    });
    await h.run('erp');
  });
  afterAll(async () => h?.close());

  it('refuses a second run while one runs, naming it, and runs again once it is done', async () => {
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T050000.txt', () => false);
    const first = await h.start('erp');
    await waitForPhase(first, 'awaiting-deletion-approval');
    const second = await h.start('erp');
    const refused = await second.result().catch((e: unknown) => e);
    expect(rootCauseMessage(refused)).toBe(
      `flow "erp" is already running: run ${first.workflowId}; only one run of a flow runs at a time, ` +
        `so this one was refused (follow the other with: custsync runs show ${first.workflowId})`,
    );
    const staged = await h.db.db.selectFrom('sync_run_inputs').select('name').where('run_id', '=', second.workflowId).execute();
    expect(staged).toEqual([]);

    await first.signal('rejectDeletions');
    expect((await first.result()).deletion?.status).toBe('rejected');
    const third = await h.run('erp');
    expect(third.status).toBe('completed');
    expect(third.steps[0]!.inputs).toEqual([]);
  });

  it('takes over the flow from a run that was terminated', async () => {
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T060000.txt', rowOf('C1001'));
    const stuck = await h.start('erp');
    await waitForPhase(stuck, 'awaiting-deletion-approval');
    await stuck.terminate('test: an operator terminates a run');
    rmSync(join(inbox, 'customer_20261101T060000.txt'));
    const next = await h.run('erp');
    expect(next.status).toBe('completed');
  });
});
