import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/run-types.js';
import { customerIdOf } from '../support/db-state.js';
import { DELTA, dropInto, inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const crmLine = (record: unknown) => JSON.stringify(record);

describe('an enrichment step from a second connector', () => {
  let h: SyncHarness;
  let inbox: string;
  let crmFile: string;
  let first: RunReport;

  const contactsOf = async (code: string) =>
    h.db.db
      .selectFrom('contact_persons')
      .select(['full_name', 'email', 'phone', 'connector', 'run_id'])
      .where('customer_id', '=', await customerIdOf(h.db, 'erp', code))
      .orderBy('email')
      .execute();
  const attributesOf = async (code: string) =>
    h.db.db
      .selectFrom('customer_attributes')
      .select(['key', 'value', 'connector'])
      .where('customer_id', '=', await customerIdOf(h.db, 'erp', code))
      .orderBy('key')
      .execute();

  beforeAll(async () => {
    crmFile = join(mkdtempSync(join(tmpdir(), 'custsync-crm-')), 'crm.jsonl');
    writeFileSync(
      crmFile,
      [
        crmLine({
          externalId: 'C1001',
          contactPersons: [
            { fullName: 'Jane Roe', email: 'Jane.Roe@acme.example', phone: '+1 212 555 0199' },
            { fullName: 'Luis Ortega', email: 'luis.ortega@acme.example' },
          ],
          customerAttributes: [{ key: 'loyaltyTier', value: 'gold' }],
          // Not a configured aspect of the step: must be ignored.
          addresses: [{ type: 'other', code: 'CRM-1', city: 'Nowhere' }],
        }),
        crmLine({ externalId: 'C1005', customerAttributes: [{ key: 'loyaltyTier', value: 'silver' }] }),
        crmLine({ externalId: 'C9999', customerAttributes: [{ key: 'loyaltyTier', value: 'gold' }] }),
        '{"externalId": 42}',
      ].join('\n') + '\n',
    );
    h = await startSyncHarness({
      connectors: {
        erp: {
          type: 'flat-file',
          folder: (inbox = inboxWith(SNAPSHOT)),
          pattern: 'customer_*.txt',
          referenceData: join(SHARED_DATA, 'reference-data.json'),
        },
        crm: { type: 'jsonl-file', path: crmFile },
      },
      flows: {
        enriched: {
          source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses', 'contactPersons', 'customerAttributes'] },
          enrichments: [{ connector: 'crm', aspects: ['contactPersons', 'customerAttributes'], matchBy: 'sourceId' }],
        },
      },
    });
    first = await h.run('enriched');
    if (process.env.CUSTSYNC_RECORD_HISTORY) {
      writeFileSync(process.env.CUSTSYNC_RECORD_HISTORY, historyToJSON((await h.history(first.runId)) as History));
    }
  });
  afterAll(async () => h?.close());

  it('matches by source id, counts the unmatched and never creates customers from them', async () => {
    expect(first.steps[1]).toMatchObject({ connector: 'crm', read: 4, staged: 3, matched: 1, unmatched: 2, rejected: 1 });
    expect(first.totals.created).toBe(4);
    const ids = await h.db.db.selectFrom('external_ids').select('external_id').where('connector', '=', 'crm').execute();
    expect(ids.map((i) => i.external_id)).toEqual(['C1001']);
    const count = await h.db.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(4);
  });

  it('adds contact persons and attributes with their provenance, merging the same person by email', async () => {
    expect(await contactsOf('C1001')).toEqual([
      { full_name: 'Jane Roe', email: 'Jane.Roe@acme.example', phone: '+1 212 555 0199', connector: 'crm', run_id: first.runId },
      { full_name: 'Luis Ortega', email: 'luis.ortega@acme.example', phone: null, connector: 'crm', run_id: first.runId },
      { full_name: 'Sam Poe', email: 'sam.poe@acme.example', phone: null, connector: 'erp', run_id: first.runId },
    ]);
    const attributes = await attributesOf('C1001');
    expect(attributes.find((a) => a.key === 'loyaltyTier')).toEqual({ key: 'loyaltyTier', value: 'gold', connector: 'crm' });
    expect(attributes.find((a) => a.key === 'discount')).toEqual({ key: 'discount', value: 10, connector: 'erp' });
    const addresses = await h.db.db.selectFrom('addresses').select('code').where('code', '=', 'CRM-1').execute();
    expect(addresses).toEqual([]);
  });

  it('enriches a customer created later once it exists, and keeps the other connector’s items', async () => {
    dropInto(inbox, DELTA);
    const second = await h.run('enriched');
    expect(second.steps[1]).toMatchObject({ matched: 2, unmatched: 1 });
    expect(await attributesOf('C1005')).toContainEqual({ key: 'loyaltyTier', value: 'silver', connector: 'crm' });
    // The delta reports C1001's buyers again without Luis Ortega: the CRM still supplies him, so he stays.
    expect((await contactsOf('C1001')).map((c) => c.full_name)).toEqual(['Jane Roe', 'Luis Ortega', 'Sam Poe']);
  });

  it('removes an item only when no connector supplies it any more', async () => {
    writeFileSync(crmFile, crmLine({ externalId: 'C1001', contactPersons: [], customerAttributes: [] }) + '\n');
    const third = await h.run('enriched', { inputs: [DELTA] });
    expect(third.totals.updated).toBe(1);
    const contacts = await contactsOf('C1001');
    expect(contacts.map((c) => [c.full_name, c.connector])).toEqual([
      ['Jane Roe', 'erp'],
      ['Sam Poe', 'erp'],
    ]);
    const attributes = await attributesOf('C1001');
    expect(attributes.some((a) => a.key === 'loyaltyTier')).toBe(false);
    expect(attributes.some((a) => a.key === 'discount')).toBe(true);
  });
});

describe('a long run', () => {
  let h: SyncHarness;
  afterAll(async () => h?.close());

  it('continues as new between chunks and still reports the whole run', async () => {
    h = await startSyncHarness({
      connectors: {
        erp: { type: 'flat-file', folder: inboxWith(SNAPSHOT), referenceData: join(SHARED_DATA, 'reference-data.json') },
      },
      flows: {
        erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses'] }, chunkSize: 1, chunksPerExecution: 1 },
      },
    });
    const report = await h.run('erp');
    expect(report.totals).toMatchObject({ customers: 4, created: 4 });
    expect(report.steps[0]).toMatchObject({ read: 8, staged: 4 });
    // Visibility catches up asynchronously: look until it has.
    const executions = async () => {
      const found: string[] = [];
      for await (const e of h.client.workflow.list({ query: `WorkflowId = '${report.runId}'` })) found.push(e.status.name);
      return found.sort();
    };
    await expect.poll(executions, { timeout: 60_000, interval: 250 }).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
    const processed = await h.db.db.selectFrom('connector_inputs').select('name').execute();
    expect(processed).toEqual([{ name: SNAPSHOT }]);
  });
});

describe('enrichment matched by an attribute, then by its own external id', () => {
  let h: SyncHarness;
  afterAll(async () => h?.close());

  it('finds the customer by a unique attribute value and remembers the connector’s id for it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'custsync-finance-')), 'finance.jsonl');
    writeFileSync(
      file,
      [
        { externalId: 'acct-77', customerAttributes: [{ key: 'companyNumber', value: 'AH01' }, { key: 'creditLimit', value: 5000 }] },
        { externalId: 'acct-99', customerAttributes: [{ key: 'companyNumber', value: 'NOPE' }, { key: 'creditLimit', value: 1 }] },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    h = await startSyncHarness({
      connectors: {
        erp: { type: 'flat-file', folder: inboxWith(SNAPSHOT), referenceData: join(SHARED_DATA, 'reference-data.json') },
        finance: { type: 'jsonl-file', path: file },
      },
      flows: {
        erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'customerAttributes'] } },
        credit: {
          source: { type: 'current' },
          enrichments: [{ connector: 'finance', aspects: ['customerAttributes'], matchBy: 'attribute:companyNumber' }],
        },
        'credit-by-id': {
          source: { type: 'current' },
          enrichments: [{ connector: 'finance', aspects: ['customerAttributes'], matchBy: 'externalId' }],
        },
      },
    });
    await h.run('erp');
    const credit = await h.run('credit');
    expect(credit.steps[0]).toMatchObject({ role: 'enrichment', matched: 1, unmatched: 1 });
    expect(credit.totals).toMatchObject({ customers: 1, updated: 1, created: 0 });
    const acme = await customerIdOf(h.db, 'erp', 'C1001');
    expect(await customerIdOf(h.db, 'finance', 'acct-77')).toBe(acme);
    const limit = await h.db.db
      .selectFrom('customer_attributes')
      .select(['value', 'connector'])
      .where('customer_id', '=', acme)
      .where('key', '=', 'creditLimit')
      .executeTakeFirstOrThrow();
    expect(limit).toEqual({ value: 5000, connector: 'finance' });

    const byId = await h.run('credit-by-id');
    expect(byId.steps[0]).toMatchObject({ matched: 1, unmatched: 1 });
    const count = await h.db.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(4);
  });
});
