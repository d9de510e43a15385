import { describe, expect, it } from 'vitest';
import type { CustomerRecord } from '../../src/domain/customer-record.js';
import type { SurvivorshipRules } from '../../src/domain/survivorship.js';
import { mergeCustomer, type MergedCustomer } from '../../src/merge/index.js';
import { isEmptyValue, pickSurvivor } from '../../src/merge/survivor.js';

/** Runs one after another, each one connector's record at a time (`now` the run's time). */
function runs(rules: SurvivorshipRules, steps: readonly [connector: string, record: Omit<CustomerRecord, 'externalId'>, now: string][]): MergedCustomer {
  let merged: MergedCustomer | undefined;
  steps.forEach(([connector, record, now], i) => {
    merged = mergeCustomer(merged, [{ connector, aspects: ['name', 'customerAttributes'], record: { externalId: 'C1', type: 'COMPANY', ...record } }], `run-${i + 1}`, { rules, now });
  });
  return merged!;
}

const named = (companyName: string) => ({ name: { companyName } });
const vat = (value: string) => ({ customerAttributes: [{ key: 'vatNumber', value }, { key: 'segment', value: 'retail' }] });

describe('survivorship rules', () => {
  it('priority: the strongest connector that supplies the field wins, whatever the order of the runs', () => {
    const rules: SurvivorshipRules = { name: { rule: 'priority', connectors: ['erp', 'crm', 'api'] } };
    const merged = runs(rules, [
      ['api', named('Acme (api)'), '2026-12-01T00:00:00Z'],
      ['erp', named('Acme (erp)'), '2026-12-02T00:00:00Z'],
      ['crm', named('Acme (crm)'), '2026-12-03T00:00:00Z'],
    ]);
    expect(merged.name).toMatchObject({ value: { companyName: 'Acme (erp)' }, provenance: { connector: 'erp', runId: 'run-2' }, chosenBy: 'priority (erp, crm, api)' });
    expect(merged.name!.candidates!.map((c) => [c.connector, (c.value as { companyName: string }).companyName, c.at])).toEqual([
      ['api', 'Acme (api)', '2026-12-01T00:00:00Z'],
      ['crm', 'Acme (crm)', '2026-12-03T00:00:00Z'],
      ['erp', 'Acme (erp)', '2026-12-02T00:00:00Z'],
    ]);
  });

  it('mostRecent: the value that changed last wins; supplying the same value again does not make it newer', () => {
    const merged = runs({ name: { rule: 'mostRecent' } }, [
      ['erp', named('Old'), '2026-12-01T00:00:00Z'],
      ['crm', named('Newer'), '2026-12-02T00:00:00Z'],
      ['erp', named('Old'), '2026-12-03T00:00:00Z'],
    ]);
    expect(merged.name?.value).toEqual({ companyName: 'Newer' });
    expect(merged.name?.provenance).toEqual({ connector: 'crm', runId: 'run-2' });
  });

  it('mostFrequent: the value most connectors agree on wins', () => {
    const merged = runs({ name: { rule: 'mostFrequent' } }, [
      ['erp', named('Acme'), '2026-12-01T00:00:00Z'],
      ['crm', named('Acme'), '2026-12-02T00:00:00Z'],
      ['api', named('ACME Corp'), '2026-12-03T00:00:00Z'],
    ]);
    expect(merged.name?.value).toEqual({ companyName: 'Acme' });
  });

  it('ignoreEmpty: an empty value never overwrites one', () => {
    const merged = runs({ name: { rule: 'latest', ignoreEmpty: true } }, [
      ['erp', named('Acme'), '2026-12-01T00:00:00Z'],
      ['crm', named(' '), '2026-12-02T00:00:00Z'],
    ]);
    expect(merged.name?.value).toEqual({ companyName: 'Acme' });
    const latest = runs({}, [
      ['erp', named('Acme'), '2026-12-01T00:00:00Z'],
      ['crm', named(' '), '2026-12-02T00:00:00Z'],
    ]);
    expect(latest.name?.value).toEqual({ companyName: ' ' });
  });

  it('one attribute by priority: the ERP owns the VAT number; when it stops supplying it, the next one wins', () => {
    const rules: SurvivorshipRules = { 'customerAttributes.vatNumber': { rule: 'priority', connectors: ['erp'] } };
    const merged = runs(rules, [
      ['erp', vat('NO999'), '2026-12-01T00:00:00Z'],
      ['crm', vat('NO111'), '2026-12-02T00:00:00Z'],
    ]);
    const vatItem = merged.items.customerAttributes.find((i) => i.key === 'vatNumber')!;
    expect(vatItem).toMatchObject({ value: { key: 'vatNumber', value: 'NO999' }, provenance: { connector: 'erp' }, suppliedBy: ['crm', 'erp'], chosenBy: 'priority (erp)' });
    expect(merged.items.customerAttributes.find((i) => i.key === 'segment')).toMatchObject({ provenance: { connector: 'crm' } });
    expect(merged.items.customerAttributes.find((i) => i.key === 'segment')!.candidates).toBeUndefined();

    const dropped = mergeCustomer(merged, [{ connector: 'erp', aspects: ['customerAttributes'], record: { externalId: 'C1', customerAttributes: [] } }], 'run-3', { rules, now: '2026-12-03T00:00:00Z' });
    expect(dropped.items.customerAttributes.find((i) => i.key === 'vatNumber')).toMatchObject({ value: { value: 'NO111' }, provenance: { connector: 'crm' }, suppliedBy: ['crm'] });
  });

  it('without rules, merges exactly as before: no candidates kept', () => {
    const merged = runs({}, [
      ['erp', { ...named('Acme (erp)'), ...vat('NO999') }, 't1'],
      ['crm', { ...named('Acme (crm)'), ...vat('NO111') }, 't2'],
    ]);
    expect(merged.name).toEqual({ provenance: { connector: 'crm', runId: 'run-2' }, value: { companyName: 'Acme (crm)' } });
    expect(JSON.stringify(merged)).not.toContain('candidates');
  });

  it('picks among candidates: ties by recency, then the latest connector; empties only when all are empty', () => {
    const e = (connector: string, value: unknown, at: string) => ({ connector, value, runId: 'r', at });
    expect(pickSurvivor([e('a', 'x', '1'), e('b', 'y', '1')], { rule: 'mostRecent' }, 'b')?.connector).toBe('b');
    expect(pickSurvivor([e('a', '', '2'), e('b', '', '1')], { rule: 'latest', ignoreEmpty: true }, 'b')?.connector).toBe('b');
    expect(pickSurvivor([], { rule: 'latest' }, undefined)).toBeUndefined();
    expect([isEmptyValue({ a: ' ', b: [] }), isEmptyValue({ a: 0 }), isEmptyValue(false)]).toEqual([true, false, false]);
  });

  it('contact details of a kind as one field: the CRM owns the phone, the most recent email wins', () => {
    const rules: SurvivorshipRules = { 'customerContactDetails.phone': { rule: 'priority', connectors: ['crm'], ignoreEmpty: true }, 'customerContactDetails.email': { rule: 'mostRecent' } };
    const details = (phone: string | undefined, email: string) => ({
      customerContactDetails: [...(phone ? [{ kind: 'phone', value: phone }] : []), { kind: 'email', value: email }, { kind: 'website', value: 'https://acme.example' }],
    });
    let merged: MergedCustomer | undefined;
    const run = (connector: string, record: ReturnType<typeof details>, now: string) => {
      merged = mergeCustomer(merged, [{ connector, aspects: ['customerContactDetails'], record: { externalId: 'C1', type: 'COMPANY', ...record } }], now, { rules, now });
      return merged.items.customerContactDetails.map((i) => `${i.value.kind}:${i.value.value}:${i.provenance.connector}`);
    };
    expect(run('erp', details('+47 111', 'a@x.no'), 't1')).toEqual(['email:a@x.no:erp', 'phone:+47 111:erp', 'website:https://acme.example:erp']);
    expect(run('crm', details('+47 222', 'b@x.no'), 't2')).toEqual(['email:b@x.no:crm', 'phone:+47 222:crm', 'website:https://acme.example:crm']);
    expect(run('erp', details('+47 111', 'a@x.no'), 't3')).toEqual(['email:b@x.no:crm', 'phone:+47 222:crm', 'website:https://acme.example:erp']);
    expect(run('erp', details('+47 111', 'c@x.no'), 't4')).toEqual(['email:c@x.no:erp', 'phone:+47 222:crm', 'website:https://acme.example:erp']);
    expect(run('crm', details(undefined, 'b@x.no'), 't5')).toEqual(['email:c@x.no:erp', 'phone:+47 111:erp', 'website:https://acme.example:crm']);
    const phone = merged!.items.customerContactDetails.find((i) => i.value.kind === 'phone')!;
    expect(phone.chosenBy).toBe('priority (crm), ignoring empty values');
    expect(merged!.contactDetailCandidates?.phone?.map((c) => [c.connector, c.value.map((d) => d.value)])).toEqual([
      ['crm', []],
      ['erp', ['+47 111']],
    ]);
  });

  it("mostRecent compares the source's own change time when its record has one", () => {
    let merged: MergedCustomer | undefined;
    const run = (connector: string, companyName: string, changedAt: string, now: string) => {
      merged = mergeCustomer(merged, [{ connector, aspects: ['name'], record: { externalId: 'C1', type: 'COMPANY', name: { companyName }, changedAt } }], now, { rules: { name: { rule: 'mostRecent' } }, now });
    };
    run('crm', 'Changed at the CRM on 1 December', '2026-12-01T00:00:00+01:00', '2026-12-02T00:00:00.000Z');
    run('erp', 'Changed in the ERP in November', '2026-11-01T00:00:00Z', '2026-12-03T00:00:00.000Z');
    expect(merged!.name?.value).toEqual({ companyName: 'Changed at the CRM on 1 December' });
    expect(merged!.name?.candidates?.map((c) => [c.connector, c.at])).toEqual([
      ['crm', '2026-11-30T23:00:00.000Z'],
      ['erp', '2026-11-01T00:00:00.000Z'],
    ]);
  });

  it('union exempts one kind from the aspect rule: every connector\'s websites stay', () => {
    const rules: SurvivorshipRules = { customerContactDetails: { rule: 'priority', connectors: ['crm'] }, 'customerContactDetails.website': { rule: 'union' } };
    let merged: MergedCustomer | undefined;
    for (const [connector, phone, site] of [['erp', '+47 111', 'https://erp.example'], ['crm', '+47 222', 'https://crm.example']] as const) {
      merged = mergeCustomer(merged, [{ connector, aspects: ['customerContactDetails'], record: { externalId: 'C1', type: 'COMPANY', customerContactDetails: [{ kind: 'phone', value: phone }, { kind: 'website', value: site }] } }], connector, { rules, now: connector });
    }
    expect(merged!.items.customerContactDetails.map((i) => i.value.value).sort()).toEqual(['+47 222', 'https://crm.example', 'https://erp.example']);
  });
});
