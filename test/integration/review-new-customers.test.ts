import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPreview } from '../../src/cli/format-preview.js';
import { formatReport } from '../../src/cli/format-report.js';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import { join } from 'node:path';
import { customerContent } from '../support/content-tables.js';
import { custsync } from '../support/run-cli.js';
import { DELTA, dropInto, inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { rowOf, writeSampleVariant } from '../support/sample-variants.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const LATER = 'customer_20261101T050000_delta.txt';

/** customerContent restricted to some customers: what two databases must agree on for them. */
async function contentOf(h: SyncHarness, codes: string[]) {
  const all = await customerContent(h.db);
  return Object.fromEntries(
    Object.entries(all).map(([table, rows]) => [
      table,
      rows.filter((r) => codes.includes((JSON.parse(r as string) as { customer: string }).customer)),
    ]),
  );
}

describe('review of new customers', () => {
  let reviewed: SyncHarness;
  let automatic: SyncHarness;
  const inboxes = { reviewed: inboxWith(SNAPSHOT), automatic: inboxWith(SNAPSHOT) };
  const flow = (extra: Record<string, unknown>) => ({
    source: { type: 'connector', connector: 'erp', aspects: TEMPLATE_ASPECTS },
    schedule: false,
    deletion: { threshold: 100 },
    ...extra,
  });
  const connector = (folder: string) => ({ type: 'flat-file', folder, referenceData: join(SHARED_DATA, 'reference-data.json') });
  const cli = (args: string[]) => custsync(args, { DATABASE_URL: reviewed.db.url });

  beforeAll(async () => {
    reviewed = await startSyncHarness({ connectors: { erp: connector(inboxes.reviewed) }, flows: { erp: flow({ reviewNewCustomers: true }) } });
    automatic = await startSyncHarness({ connectors: { erp: connector(inboxes.automatic) }, flows: { erp: flow({}) } });
  });
  afterAll(async () => {
    await reviewed?.close();
    await automatic?.close();
  });

  it('holds every new customer instead of creating it, and lists them for the data team', async () => {
    const report = await reviewed.run('erp');
    expect(report.totals).toMatchObject({ customers: 4, created: 0, held: 4 });
    expect(formatReport(report)).toContain('held for review: 4 new customers, not created (custsync review list --flow erp)');
    expect(await reviewed.db.db.selectFrom('customers').select('id').execute()).toEqual([]);

    const list = await cli(['review', 'list', '--json']);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { code: string; status: string }[]).map((c) => [c.code, c.status])).toEqual([
      ['C1001', 'pending'],
      ['C1002', 'pending'],
      ['C1003', 'pending'],
      ['C1004', 'pending'],
    ]);
    const shown = await cli(['review', 'show', 'C1001']);
    expect(shown.stdout).toContain('C1001  Acme Boutique  (flow erp, pending; held by');
    expect(shown.stdout).toContain('+ addresses code:B-1001:');
  });

  it('creates approved customers exactly as a sync without review does', async () => {
    const approved = await cli(['review', 'approve', 'C1001', 'C1002']);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/^created C1001 \(customer [0-9a-f-]{36}\)\ncreated C1002/);
    await automatic.run('erp');
    expect(await contentOf(reviewed, ['C1001', 'C1002'])).toEqual(await contentOf(automatic, ['C1001', 'C1002']));
    expect(await contentOf(reviewed, ['C1003', 'C1004'])).toEqual(Object.fromEntries(Object.keys(await customerContent(reviewed.db)).map((t) => [t, []])));
  });

  it('updates approved customers automatically and holds the new one; a dry run says what it would hold', async () => {
    dropInto(inboxes.reviewed, DELTA);
    dropInto(inboxes.automatic, DELTA);
    const dry = await (await reviewed.start('erp', { input: { dryRun: true } })).result();
    const preview = await formatPreview(reviewed.db.db, dry.runId);
    expect(preview).toContain('  hold for review C1005');
    expect(preview).toContain('  update C1001');

    const report = await reviewed.run('erp');
    expect(report.totals).toMatchObject({ created: 0, updated: 1, held: 1 });
    await automatic.run('erp');
    expect(await contentOf(reviewed, ['C1001', 'C1002'])).toEqual(await contentOf(automatic, ['C1001', 'C1002']));
  });

  it('keeps a held customer that a later file changes on hold, with the newer data', async () => {
    writeSampleVariant(inboxes.reviewed, SNAPSHOT, LATER, rowOf('C1003'), (row) => row.replace('|Tokyo Select|', '|Tokyo Select Ginza|'));
    const report = await reviewed.run('erp');
    expect(report.totals).toMatchObject({ created: 0, held: 1 });
    const shown = JSON.parse((await cli(['review', 'show', 'C1003', '--json'])).stdout) as {
      status: string;
      heldRunId: string;
      customer: { items: { customerAttributes: { key: string; value: { value: unknown } }[] } };
      laterChanges?: { sinceRunId: string; changes: { aspect: string; key?: string; change: string; before?: unknown; after?: unknown }[] };
    };
    expect(shown.status).toBe('pending');
    expect(shown.heldRunId).toBe(report.runId);
    // What the later file changed, for the data team (the console shows it beside the customer).
    expect(shown.laterChanges?.sinceRunId).not.toBe(report.runId);
    expect(shown.laterChanges?.changes.map((c) => [c.aspect, c.key, c.change, (c.before as { value?: unknown }).value, (c.after as { value?: unknown }).value])).toEqual([
      ['customerAttributes', 'customerAlias', 'changed', 'Tokyo Select', 'Tokyo Select Ginza'],
    ]);
    expect(shown.customer.items.customerAttributes.find((a) => a.key === 'customerAlias')?.value.value).toBe('Tokyo Select Ginza');
    expect(await reviewed.db.db.selectFrom('customers').select('source_id').orderBy('source_id').execute()).toEqual([
      { source_id: 'C1001' },
      { source_id: 'C1002' },
    ]);
  });

  it('rejects a customer: not created, not listed, and a second decision is refused', async () => {
    expect((await cli(['review', 'reject', 'C1004'])).code).toBe(0);
    const pending = JSON.parse((await cli(['review', 'list', '--json'])).stdout) as { code: string }[];
    expect(pending.map((c) => c.code)).toEqual(['C1005', 'C1003']);
    const again = await cli(['review', 'approve', 'C1004', 'C1003']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/nothing was changed: C1004 was already rejected by cli:\S+ at /);
    const unknown = await cli(['review', 'approve', 'C9999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('C9999: not held for review in any flow');
    expect(await reviewed.db.db.selectFrom('customers').select('source_id').execute()).toHaveLength(2);
  });

  it('holds a rejected customer again only when a file brings different data for it', async () => {
    const statusOf = async () => (JSON.parse((await cli(['review', 'show', 'C1004', '--json'])).stdout) as { status: string }).status;
    writeSampleVariant(inboxes.reviewed, SNAPSHOT, 'customer_20261101T060000_delta.txt', rowOf('C1004'));
    expect((await reviewed.run('erp')).totals).toMatchObject({ created: 0 });
    expect(await statusOf()).toBe('rejected');
    writeSampleVariant(inboxes.reviewed, SNAPSHOT, 'customer_20261101T070000_delta.txt', rowOf('C1004'), (row) =>
      row.replace('|Smith & Sons|', '|Smith & Daughters|'),
    );
    expect((await reviewed.run('erp')).totals).toMatchObject({ created: 0, held: 1 });
    expect(await statusOf()).toBe('pending');
  });

  it('approval creates the customer under the id, provenance and change-log entry of the run that held it', async () => {
    const held = JSON.parse((await cli(['review', 'show', 'C1005', '--json'])).stdout) as { heldRunId: string };
    const approved = await cli(['review', 'approve', 'C1005']);
    expect(approved.code).toBe(0);
    const id = /created C1005 \(customer ([0-9a-f-]{36})\)/.exec(approved.stdout)![1]!;
    // The id a sync without review would have given it: derived from the holding run and the source id.
    const expected = createHash('md5').update(`${held.heldRunId}/C1005`).digest('hex');
    expect(id.replaceAll('-', '')).toBe(expected);
    const customer = await reviewed.db.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(customer).toMatchObject({ source_connector: 'erp', source_id: 'C1005', created_run_id: held.heldRunId });
    const provenance = await reviewed.db.db.selectFrom('addresses').select(['connector', 'run_id']).where('customer_id', '=', id).execute();
    expect(provenance.length).toBeGreaterThan(0);
    expect(provenance.every((p) => p.connector === 'erp' && p.run_id === held.heldRunId)).toBe(true);
    const log = await reviewed.db.db.selectFrom('change_log').select(['change', 'run_id']).where('customer_id', '=', id).execute();
    expect(log).toEqual([{ change: 'created', run_id: held.heldRunId }]);
  });
});
