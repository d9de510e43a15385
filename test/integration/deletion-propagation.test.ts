import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../src/cli/format-report.js';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import { loadRunReport } from '../../src/db/repositories/run-reports.js';
import type { DeletionGraceStatus } from '../../src/workflows/deletion-grace-workflow.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { rowOf, writeSampleVariant } from '../support/sample-variants.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { waitForPhase } from '../support/wait-for-phase.js';
import { activityGate, type ActivityGate } from '../support/activity-gate.js';

const ALL = ['C1001', 'C1002', 'C1003', 'C1004'];

/** The grace-period workflow's deletion: tests hold it to place a run inside the grace period by events, not by time. */
const DELETE_MISSING = 'deleteMissing';

function harness(inbox: string, deletion: Record<string, unknown>, gate?: ActivityGate) {
  return startSyncHarness(
    {
      connectors: {
        erp: { type: 'flat-file', folder: inbox, referenceData: join(SHARED_DATA, 'reference-data.json') },
      },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: TEMPLATE_ASPECTS }, deletion, schedule: false } },
    },
    gate ? { interceptors: gate.interceptors } : {},
  );
}

async function customerStates(h: SyncHarness) {
  const rows = await h.db.db
    .selectFrom('customers')
    .select(['source_id', 'missing_since', 'deleted_at', 'content_hash', 'updated_run_id'])
    .orderBy('source_id')
    .execute();
  return Object.fromEntries(
    rows.map((r) => [r.source_id, { missing: r.missing_since !== null, deleted: r.deleted_at !== null, hash: r.content_hash, updatedBy: r.updated_run_id }]),
  );
}

async function changes(h: SyncHarness, change: string) {
  const rows = await sql<{ source_id: string | null; customer_id: string }>`select c.source_id, l.customer_id from change_log l
    left join customers c on c.id = l.customer_id where l.change = ${change} order by c.source_id`.execute(h.db.db);
  return rows.rows;
}

describe('a full snapshot lacking half of the customers waits for approval', () => {
  let h: SyncHarness;
  let inbox: string;
  beforeAll(async () => {
    inbox = inboxWith(SNAPSHOT);
    h = await harness(inbox, { gracePeriod: '2s', retention: '2s', threshold: 10, approvalTimeout: '1h' });
    const first = await h.run('erp');
    expect(first.totals.created).toBe(4);
  });
  afterAll(async () => h?.close());

  it('marks nothing while waiting, exactly the two lacking customers once approved, then deletes and purges them', async () => {
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T050000.txt', rowOf('C1001', 'C1002'));
    const handle = await h.start('erp');
    const waiting = await waitForPhase(handle, 'awaiting-deletion-approval');
    expect(waiting.awaitingApproval).toEqual({ candidates: 2, sourceCustomers: 4, thresholdPercent: 10 });
    const run = await h.db.db.selectFrom('sync_runs').selectAll().where('id', '=', handle.workflowId).executeTakeFirstOrThrow();
    expect(run.deletion_status).toBe('awaiting-approval');
    expect(Object.values(await customerStates(h)).every((c) => !c.missing && !c.deleted)).toBe(true);
    const memo = (await handle.describe()).memo;
    expect(memo).toMatchObject({ deletions: 'awaiting approval', wouldMarkMissing: 2 });

    await handle.signal('approveDeletions');
    const report = await handle.result();
    expect(report.deletion).toMatchObject({ status: 'approved', candidates: 2, sourceCustomers: 4, markedMissing: 2 });
    const states = await customerStates(h);
    expect(ALL.map((c) => states[c]!.missing)).toEqual([false, false, true, true]);
    const missing = await changes(h, 'missing');
    expect(missing.map((c) => c.source_id)).toEqual(['C1003', 'C1004']);
    const missingIds = missing.map((c) => c.customer_id).sort();

    // The grace period runs as a child workflow on durable timers: deleted after 2 s, purged 2 s later.
    const grace = h.client.workflow.getHandle(`${handle.workflowId}/deletions`);
    const status = (await grace.result()) as DeletionGraceStatus;
    expect(status).toMatchObject({ phase: 'done', marked: 2, deleted: 2, purged: 2 });
    const left = await h.db.db.selectFrom('customers').select('source_id').orderBy('source_id').execute();
    expect(left.map((c) => c.source_id)).toEqual(['C1001', 'C1002']);
    // Exactly the two missing customers were deleted, then purged: by their ids (purged rows are gone).
    expect((await changes(h, 'deleted')).map((c) => c.customer_id).sort()).toEqual(missingIds);
    expect((await changes(h, 'purged')).map((c) => c.customer_id).sort()).toEqual(missingIds);
    const recordTo = process.env.CUSTSYNC_RECORD_HISTORIES;
    if (recordTo) {
      writeFileSync(join(recordTo, 'customer-sync-deletions-approved-v4.json'), historyToJSON((await h.history(handle.workflowId)) as History));
      writeFileSync(join(recordTo, 'deletion-grace-v1.json'), historyToJSON((await grace.fetchHistory())));
    }
    const later = await loadRunReport(h.db.db, handle.workflowId, 0);
    expect(later.deletion).toMatchObject({ markedMissing: 2, deletedAfterGrace: 2, purged: 2 });
    expect(formatReport(later)).toContain('2 marked — approved and marked missing; deleted after the grace period unless they come back; 2 deleted after the grace period, 2 purged');
  });
});

describe('deletions an operator rejects', () => {
  let h: SyncHarness;
  let inbox: string;
  beforeAll(async () => {
    inbox = inboxWith(SNAPSHOT);
    h = await harness(inbox, { gracePeriod: '1h', threshold: 10, approvalTimeout: '1h' });
    await h.run('erp');
  });
  afterAll(async () => h?.close());

  it('changes nothing on rejection, and still applies the run’s updates', async () => {
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T050000.txt', rowOf('C1001', 'C1002'), (row) =>
      row.replace('|Department Stores|DS|10|Y|', '|Department Stores|DS|12|Y|'),
    );
    const before = await customerStates(h);
    const handle = await h.start('erp');
    await waitForPhase(handle, 'awaiting-deletion-approval');
    await handle.signal('rejectDeletions');
    const report = await handle.result();
    expect(report.totals).toMatchObject({ updated: 1, unchanged: 1 });
    expect(report.deletion).toMatchObject({ status: 'rejected', candidates: 2, sourceCustomers: 4, markedMissing: 0 });
    const after = await customerStates(h);
    expect(Object.values(after).some((c) => c.missing || c.deleted)).toBe(false);
    expect(after.C1003).toEqual(before.C1003);
    expect(after.C1001!.hash).not.toBe(before.C1001!.hash);
  });
});

describe('deletions nobody answers', () => {
  let h: SyncHarness;
  let inbox: string;
  beforeAll(async () => {
    inbox = inboxWith(SNAPSHOT);
    h = await harness(inbox, { gracePeriod: '1h', threshold: 10, approvalTimeout: '1s' });
    await h.run('erp');
  });
  afterAll(async () => h?.close());

  it('never deletes from a header-only full snapshot without approval: no answer counts as rejected', async () => {
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T060000.txt', () => false);
    const report = await h.run('erp');
    expect(report.mode).toBe('full');
    expect(report.deletion).toMatchObject({ status: 'timed-out', candidates: 4, sourceCustomers: 4, markedMissing: 0 });
    expect(Object.values(await customerStates(h)).some((c) => c.missing || c.deleted)).toBe(false);
  });
});

describe('below the threshold, and customers that come back', () => {
  let h: SyncHarness;
  let inbox: string;
  const gate = activityGate();
  beforeAll(async () => {
    inbox = inboxWith(SNAPSHOT);
    h = await harness(inbox, { gracePeriod: '1s', retention: '1h', threshold: 100 }, gate);
    await h.run('erp');
  });
  afterAll(async () => h?.close());

  it('marks at once; a customer back within the grace period is restored untouched and never deleted', async () => {
    const before = await customerStates(h);
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T050000.txt', rowOf('C1001', 'C1002', 'C1003'));
    // The grace period's deletion waits until the customer is back: the next run lands inside the grace period.
    gate.close(DELETE_MISSING);
    const marking = await h.run('erp');
    expect(marking.deletion).toMatchObject({ status: 'marked', candidates: 1, markedMissing: 1 });
    expect((await customerStates(h)).C1004!.missing).toBe(true);

    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T060000.txt', () => true);
    const back = await h.run('erp');
    expect(back.restored).toBe(1);
    expect(back.deletion).toMatchObject({ status: 'nothing-missing', candidates: 0 });
    const after = await customerStates(h);
    expect(after.C1004).toEqual(before.C1004);
    expect((await changes(h, 'restored')).map((c) => c.source_id)).toEqual(['C1004']);

    await gate.held(DELETE_MISSING);
    gate.open(DELETE_MISSING);
    const status = (await h.client.workflow.getHandle(`${marking.runId}/deletions`).result()) as DeletionGraceStatus;
    expect(status).toMatchObject({ phase: 'done', marked: 1, deleted: 0 });
    expect(Object.values(await customerStates(h)).some((c) => c.missing || c.deleted)).toBe(false);
  });

  it('never marks anything from a delta or from rejected rows', async () => {
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T070000_delta.txt', rowOf('C1001'));
    const delta = await h.run('erp');
    expect(delta.mode).toBe('delta');
    expect(delta.deletion).toBeUndefined();
    // A full snapshot whose C1002 rows are all rejected (unknown sales rep): C1002 is not missing.
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T080000.txt', () => true, (row) =>
      rowOf('C1002')(row) ? row.replace('|SR02|', '|SR99|') : row,
    );
    const full = await h.run('erp');
    expect(full.totals.rejected + full.steps[0]!.rejected).toBeGreaterThan(0);
    expect(full.deletion).toMatchObject({ status: 'nothing-missing', candidates: 0 });
  });
});

describe('a source that can look a customer up', () => {
  let h: SyncHarness;
  let file: string;
  const gate = activityGate();
  const line = (externalId: string, companyName: string) =>
    JSON.stringify({ externalId, type: 'COMPANY', name: { companyName } });
  beforeAll(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'custsync-lookup-')), 'accounts.jsonl');
    writeFileSync(file, ['A1', 'A2', 'A3', 'A4'].map((id) => line(id, `Account ${id}`)).join('\n') + '\n');
    h = await startSyncHarness({
      connectors: { accounts: { type: 'jsonl-file', path: file } },
      flows: {
        accounts: {
          source: { type: 'connector', connector: 'accounts', aspects: ['name'] },
          deletion: { gracePeriod: '1s', retention: '1s', threshold: 50 },
          schedule: false,
        },
      },
    }, { interceptors: gate.interceptors });
    expect((await h.run('accounts')).totals.created).toBe(4);
  });
  afterAll(async () => h?.close());

  it('deletes only the missing customers a lookup confirms gone', async () => {
    writeFileSync(file, ['A1', 'A2'].map((id) => line(id, `Account ${id}`)).join('\n') + '\n');
    gate.close(DELETE_MISSING);
    const marking = await h.run('accounts');
    expect(marking.deletion).toMatchObject({ status: 'marked', markedMissing: 2 });
    // A3 is back at the source before the grace period ends, but no run has seen it yet.
    writeFileSync(file, ['A1', 'A2', 'A3'].map((id) => line(id, `Account ${id}`)).join('\n') + '\n');
    gate.open(DELETE_MISSING);
    const status = (await h.client.workflow.getHandle(`${marking.runId}/deletions`).result()) as DeletionGraceStatus;
    expect(status).toMatchObject({ deleted: 1, foundByLookup: 1, purged: 1 });
    const states = await customerStates(h);
    expect(states.A3).toMatchObject({ missing: true, deleted: false });
    expect(states.A4).toBeUndefined();
    expect((await h.run('accounts')).restored).toBe(1);
  });
});

describe('a sub-department deleted at its source', () => {
  let h: SyncHarness;
  let file: string;
  const gate = activityGate();
  const holding = JSON.stringify({ externalId: 'P1', type: 'COMPANY', name: { companyName: 'Holding' } });
  const branch = JSON.stringify({ externalId: 'C1', type: 'COMPANY', name: { companyName: 'Branch' }, relations: { parentExternalId: 'P1', relationType: 'SubDepartment' } });
  beforeAll(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'custsync-parents-')), 'accounts.jsonl');
    writeFileSync(file, `${holding}\n${branch}\n`);
    h = await startSyncHarness({
      connectors: { accounts: { type: 'jsonl-file', path: file } },
      flows: {
        accounts: {
          source: { type: 'connector', connector: 'accounts', aspects: ['name', 'relations'] },
          deletion: { gracePeriod: '1s', retention: '1h', threshold: 100 },
          schedule: false,
        },
      },
    }, { interceptors: gate.interceptors });
  });
  afterAll(async () => h?.close());

  const isParent = async () =>
    (await h.db.db.selectFrom('customers').select('is_parent_company').where('source_id', '=', 'P1').executeTakeFirstOrThrow()).is_parent_company;

  it('leaves its parent no parent company once it is deleted', async () => {
    await h.run('accounts');
    expect(await isParent()).toBe(true);
    writeFileSync(file, `${holding}\n`);
    gate.close(DELETE_MISSING);
    const marking = await h.run('accounts');
    expect(marking.deletion).toMatchObject({ markedMissing: 1 });
    // Missing is not deleted: the parent keeps its sub-department through the grace period.
    expect(await isParent()).toBe(true);
    gate.open(DELETE_MISSING);
    const grace = h.client.workflow.getHandle(`${marking.runId}/deletions`);
    await expect.poll(async () => (await grace.query<DeletionGraceStatus>('deletionStatus')).deleted, { timeout: 20_000 }).toBe(1);
    expect(await isParent()).toBe(false);
  });
});
