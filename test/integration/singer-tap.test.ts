import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singerTapConnectorSchema } from '../../src/connectors/singer-tap/singer-tap-config.js';
import { singerTapModule } from '../../src/connectors/singer-tap/singer-tap-module.js';
import { customerIdOf } from '../support/db-state.js';
import { sourcePackage } from '../support/source-packages.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const MAPPING = {
  externalId: 'id',
  type: { path: 'kind', values: { company: 'COMPANY', person: 'PERSON' } },
  name: { companyName: 'company', firstName: 'first', lastName: 'last' },
  contactDetails: [{ kind: 'email', value: { path: 'email', transform: ['trim', 'lower'] } }],
};

const line = (record: Record<string, unknown>) => `${JSON.stringify(record)}\n`;

describe('a Singer tap from the package index: tap-jsonl over local files', () => {
  let h: SyncHarness;
  let executable: string;
  let folder: string;

  beforeAll(async () => {
    executable = (await sourcePackage('tap-jsonl')).executables[0]!;
    folder = mkdtempSync(join(tmpdir(), 'custsync-tap-jsonl-'));
    writeFileSync(
      join(folder, 'crm.jsonl'),
      line({ id: 'A1', kind: 'company', company: 'Acme', email: ' Sales@Acme.test ' }) +
        line({ id: 'P1', kind: 'person', first: 'Ann', last: 'Lee', email: 'ann@lee.test' }) +
        line({ kind: 'company', company: 'Nobody Knows' }),
    );
    // Older than the files written later: the tap's bookmark is the file's modification time.
    utimesSync(join(folder, 'crm.jsonl'), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    const connector = (syncMode: string) => ({ type: 'singer-tap', executable, config: { path: `${folder}/*.jsonl`, stream_name: 'crm', primary_keys: ['id'] }, stream: 'crm', syncMode, mapping: MAPPING });
    h = await startSyncHarness({
      connectors: { crm: connector('full_table'), 'crm-changes': connector('incremental') },
      flows: {
        crm: { source: { type: 'connector', connector: 'crm', aspects: ['name', 'customerContactDetails'] } },
        'crm-changes': { source: { type: 'connector', connector: 'crm-changes', aspects: ['name', 'customerContactDetails'] } },
      },
    });
  });
  afterAll(async () => h?.close());

  it('syncs the stream as a full snapshot; a record the mapping cannot map is rejected with its position and key, the rest syncs', async () => {
    const report = await h.run('crm');
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ created: 2, rejected: 1 });
    const acme = await h.db.db.selectFrom('customers').select(['type', 'company_name']).where('id', '=', await customerIdOf(h.db, 'crm', 'A1')).executeTakeFirstOrThrow();
    expect(acme).toEqual({ type: 'COMPANY', company_name: 'Acme' });
    const email = await h.db.db.selectFrom('customer_contact_details').select('value').where('customer_id', '=', await customerIdOf(h.db, 'crm', 'A1')).executeTakeFirstOrThrow();
    expect(email.value).toBe('sales@acme.test');
    const rejects = await h.db.db.selectFrom('rejected_records').select(['source', 'line', 'external_id', 'field', 'reason']).where('run_id', '=', report.runId).execute();
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ source: 'stream crm', field: 'externalId' });
    expect(rejects[0]!.line).toBeGreaterThan(1);
  });

  it('reads incrementally from the state the last completed run ended with: only the newer file', async () => {
    const first = await h.run('crm-changes');
    expect(first.totals).toMatchObject({ created: 2 });
    writeFileSync(join(folder, 'crm-later.jsonl'), line({ id: 'P2', kind: 'person', first: 'Bo', last: 'Berg', email: 'bo@berg.test' }));
    const next = await h.run('crm-changes');
    // tap-jsonl bookmarks each file by its modification time, inclusively: the older file is read again, unchanged.
    expect(next.steps[0]!.inputs).toEqual(['stream crm since its last state']);
    expect(next.totals).toMatchObject({ created: 1, updated: 0 });
    expect(await customerIdOf(h.db, 'crm-changes', 'P2')).toBeTruthy();
  });

  it('config check discovers the stream and finds a mapping path it does not have', async () => {
    const config = singerTapConnectorSchema.parse({
      type: 'singer-tap',
      executable,
      config: { path: `${folder}/*.jsonl`, stream_name: 'crm' },
      stream: 'crm',
      mapping: { ...MAPPING, name: { companyName: 'compnay' } },
    });
    const problems = await singerTapModule.checkReachable!('crm', config, { network: true });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'mapping.name.companyName' });
    expect(problems[0]!.message).toBe("stream crm has no 'compnay' in compnay (there: id, kind, first, last, email, company, _sdc_last_modified, _sdc_filename, _sdc_stream)");
  });
});
