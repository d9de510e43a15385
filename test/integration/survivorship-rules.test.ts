import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCustomer } from '../../src/cli/commands/customers.js';
import { customerApiView } from '../../src/operations/customer-api/customer-view.js';
import { patchCustomer } from '../../src/operations/customer-api/patch-customer.js';
import { showCustomer } from '../../src/operations/customers.js';
import { recomputeCustomers } from '../../src/operations/recompute-customers.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const RULES = {
  name: { priority: ['erp', 'crm', 'api'] },
  'customerAttributes.vatNumber': { priority: ['erp'], ignoreEmpty: true },
  'customerContactDetails.phone': { priority: ['crm'] },
};

describe('survivorship rules over three connectors', () => {
  let h: SyncHarness;
  const deps = () => ({ db: h.db.db, client: h.client, temporal: h.temporal, config: h.config });
  const customer = () => showCustomer(h.db, 'erp:C1');

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custsync-survivorship-'));
    const line = (record: object) => `${JSON.stringify(record)}\n`;
    writeFileSync(join(dir, 'erp.jsonl'), line({ externalId: 'C1', type: 'COMPANY', name: { companyName: 'Acme AS' }, customerAttributes: [{ key: 'vatNumber', value: 'NO999888777' }], customerContactDetails: [{ kind: 'phone', value: '+47 22 00 00 01' }] }));
    writeFileSync(join(dir, 'crm.jsonl'), line({ externalId: 'C1', name: { companyName: 'ACME (crm)' }, customerAttributes: [{ key: 'vatNumber', value: 'NO111' }, { key: 'tier', value: 'gold' }], customerContactDetails: [{ kind: 'phone', value: '+47 900 00 002' }] }));
    h = await startSyncHarness({
      connectors: { erp: { type: 'jsonl-file', path: join(dir, 'erp.jsonl') }, crm: { type: 'jsonl-file', path: join(dir, 'crm.jsonl') } },
      flows: {
        erp: {
          source: { type: 'connector', connector: 'erp', aspects: ['name', 'customerAttributes', 'customerContactDetails'] },
          enrichments: [{ connector: 'crm', aspects: ['name', 'customerAttributes', 'customerContactDetails'], matchBy: 'sourceId' }],
          schedule: false,
          survivorship: RULES,
        },
      },
      api: { survivorship: RULES },
    });
    expect((await h.run('erp')).totals.created).toBe(1);
  });
  afterAll(async () => h?.close());

  it('keeps the ERP name and VAT number over the CRM enrichment that runs after it, and says what lost', async () => {
    const c = await customer();
    expect(c.merged.name).toMatchObject({ value: { companyName: 'Acme AS' }, provenance: { connector: 'erp' }, chosenBy: 'priority (erp, crm, api)' });
    const vat = c.merged.items.customerAttributes.find((i) => i.key === 'vatNumber')!;
    expect(vat).toMatchObject({ value: { value: 'NO999888777' }, provenance: { connector: 'erp' }, suppliedBy: ['crm', 'erp'] });
    expect(c.merged.items.customerAttributes.find((i) => i.key === 'tier')).toMatchObject({ provenance: { connector: 'crm' } });
    // The CRM owns the phone: the ERP's is kept only as what lost.
    expect(c.merged.items.customerContactDetails.map((i) => [i.value.value, i.provenance.connector, i.chosenBy])).toEqual([['+47 900 00 002', 'crm', 'priority (crm)']]);
    expect(c.merged.contactDetailCandidates?.phone?.map((e) => e.connector)).toEqual(['crm', 'erp']);
    const view = customerApiView(c, { provenance: true });
    expect(view.provenance?.name).toEqual({ connector: 'erp', runId: c.merged.name!.provenance.runId, chosenBy: 'priority (erp, crm, api)', lost: [{ connector: 'crm', value: { companyName: 'ACME (crm)' }, runId: c.merged.name!.provenance.runId }] });
    expect(formatCustomer(c)).toContain('chosen by priority (erp, crm, api); lost: crm companyName=ACME (crm)');
  });

  it('an API write loses to the ERP too, and empty VAT numbers never win', async () => {
    const c = await customer();
    const written = await patchCustomer(deps(), { system: 'api', token: 'crm-app', admin: false }, c.id, { name: { companyName: 'Acme from the API' }, customerAttributes: [{ key: 'vatNumber', value: '' }] });
    expect(written.customer.merged.name?.value).toEqual({ companyName: 'Acme AS' });
    expect(written.customer.merged.name?.candidates?.map((v) => v.connector)).toEqual(['api', 'crm', 'erp']);
    expect(written.customer.merged.items.customerAttributes.find((i) => i.key === 'vatNumber')?.value).toEqual({ key: 'vatNumber', value: 'NO999888777' });
  });

  it('a changed rule applies to every stored customer at the next run, or at once by recompute, without reading a source for it', async () => {
    h.config.flows.erp!.survivorship = { ...h.config.flows.erp!.survivorship, name: { rule: 'mostRecent' } };
    const report = await h.run('erp');
    expect(report.totals).toMatchObject({ updated: 0, unchanged: 1 });
    expect((await customer()).merged.name).toMatchObject({ value: { companyName: 'Acme from the API' }, provenance: { connector: 'api' }, chosenBy: 'mostRecent' });

    h.config.flows.erp!.survivorship = { ...h.config.flows.erp!.survivorship, name: { rule: 'priority', connectors: ['crm'] } };
    expect(await recomputeCustomers(deps(), 'erp', { by: 'cli:tester' })).toMatchObject({ checked: 1, changed: 1 });
    expect((await customer()).merged.name).toMatchObject({ value: { companyName: 'ACME (crm)' }, provenance: { connector: 'crm' } });
    expect(await recomputeCustomers(deps(), 'erp', { by: 'cli:tester' })).toMatchObject({ changed: 0 });
    const logged = await h.db.db.selectFrom('change_log').select(['run_id', 'actor']).where('run_id', 'like', '%survivorship%').execute();
    expect(logged.map((l) => l.run_id)).toEqual([`${report.runId}/survivorship`]);
    await expect(recomputeCustomers(deps(), 'nope', { by: 'cli:tester' })).rejects.toThrow(/unknown flow "nope"/);
  });
});
