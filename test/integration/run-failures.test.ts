import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIdOf } from '../support/db-state.js';
import { rootCauseMessage } from '../../src/domain/root-cause-message.js';
import { BAD_ROWS, inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

describe('runs that cannot succeed', () => {
  let h: SyncHarness;
  let crmFile: string;

  beforeAll(async () => {
    const broken = mkdtempSync(join(tmpdir(), 'custsync-broken-'));
    writeFileSync(join(broken, 'customer_20261101T050000.txt'), 'profile_name|customer_alias|address_type\nAcme|Acme|B\n');
    crmFile = join(mkdtempSync(join(tmpdir(), 'custsync-crm-')), 'crm.jsonl');
    writeFileSync(crmFile, JSON.stringify({ externalId: 'C1002', type: 'PERSON', customerAttributes: [{ key: 'tier', value: 'x' }] }) + '\n');
    h = await startSyncHarness({
      connectors: {
        broken: { type: 'flat-file', folder: broken, referenceData: join(SHARED_DATA, 'reference-data.json') },
        erp: { type: 'flat-file', folder: inboxWith(SNAPSHOT), referenceData: join(SHARED_DATA, 'reference-data.json') },
        crm: { type: 'jsonl-file', path: crmFile },
      },
      flows: {
        broken: { source: { type: 'connector', connector: 'broken', aspects: ['name', 'addresses'] } },
        erp: {
          source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses'] },
          enrichments: [{ connector: 'crm', aspects: ['customerAttributes'] }],
        },
      },
    });
  });
  afterAll(async () => h?.close());

  it('fails a file with an unusable header at once, without retries, naming the file and the problem', async () => {
    const error = await h.run('broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const runs = await h.db.db.selectFrom('sync_runs').selectAll().where('flow', '=', 'broken').execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('failed');
    expect(runs[0]!.error).toContain('customer_20261101T050000.txt');
    expect(runs[0]!.error).toContain('customer_code');
    const history = (await h.history(runs[0]!.id)) as { events: { activityTaskStartedEventAttributes?: { attempt?: number } }[] };
    const attempts = history.events.map((e) => e.activityTaskStartedEventAttributes?.attempt).filter((a) => a !== undefined);
    expect(Math.max(...attempts)).toBe(1);
    // The file was not consumed: after fixing it, the next run reads it again.
    const processed = await h.db.db.selectFrom('connector_inputs').selectAll().where('connector', '=', 'broken').execute();
    expect(processed).toEqual([]);
  });

  it('rejects an enrichment record that contradicts the customer’s type and still syncs the customer', async () => {
    const report = await h.run('erp');
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ created: 4, rejected: 1 });
    expect(report.rejectedSample).toEqual([
      expect.objectContaining({
        externalId: 'C1002',
        field: 'type',
        reason: 'customer C1002 is COMPANY but connector crm reports PERSON; one external id can never be both',
      }),
    ]);
    const id = await customerIdOf(h.db, 'erp', 'C1002');
    const customer = await h.db.db.selectFrom('customers').select('type').where('id', '=', id).executeTakeFirstOrThrow();
    expect(customer.type).toBe('COMPANY');
    const attributes = await h.db.db.selectFrom('customer_attributes').selectAll().where('customer_id', '=', id).execute();
    expect(attributes).toEqual([]);
    const crmIds = await h.db.db.selectFrom('external_ids').selectAll().where('connector', '=', 'crm').execute();
    expect(crmIds).toEqual([]);
  });

  it('rejects a source record that would turn a company into a person and leaves the customer as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custsync-shop-'));
    const file = join(dir, 'shop.jsonl');
    const record = (type: string, companyName: string) =>
      JSON.stringify({ externalId: 'S-1', type, name: { companyName } }) + '\n';
    writeFileSync(file, record('COMPANY', 'Shop One'));
    const shop = await startSyncHarness({
      connectors: { shop: { type: 'jsonl-file', path: file } },
      flows: { shop: { source: { type: 'connector', connector: 'shop', aspects: ['name'] } } },
    });
    try {
      expect((await shop.run('shop')).totals).toMatchObject({ created: 1 });
      writeFileSync(file, record('PERSON', 'Shop One Renamed'));
      const report = await shop.run('shop');
      expect(report.totals).toMatchObject({ created: 0, updated: 0, rejected: 1 });
      expect(report.rejectedSample[0]).toMatchObject({
        externalId: 'S-1',
        field: 'type',
        reason: 'customer S-1 is COMPANY but connector shop reports PERSON; one external id can never be both',
      });
      const stored = await shop.db.db.selectFrom('customers').select(['type', 'company_name']).execute();
      expect(stored).toEqual([{ type: 'COMPANY', company_name: 'Shop One' }]);
    } finally {
      await shop.close();
    }
  });
});

describe('a flow that fails files with too many rejected rows', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({
      connectors: {
        erp: { type: 'flat-file', folder: inboxWith(BAD_ROWS), referenceData: join(SHARED_DATA, 'reference-data.json') },
      },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses'] }, maxRejectedPercent: 50, schedule: false } },
    });
  });
  afterAll(async () => h?.close());

  it('fails the run before anything of the file is written, and keeps its rejects to look at', async () => {
    const handle = await h.start('erp');
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(rootCauseMessage(error)).toBe(
      `${BAD_ROWS}: 8 of 9 rows rejected (88.9%), more than the flow's maxRejectedPercent of 50%; nothing of the run was merged. ` +
        `See the rejects with: custsync runs rejects ${handle.workflowId}; fix the file and run the flow again`,
    );
    expect(await h.db.db.selectFrom('customers').select('id').execute()).toEqual([]);
    const rejects = await h.db.db.selectFrom('rejected_records').select('external_id').where('run_id', '=', handle.workflowId).execute();
    expect(rejects).toHaveLength(8);
    const pending = await h.db.db.selectFrom('connector_inputs').select('name').execute();
    expect(pending).toEqual([]);
  });
});
