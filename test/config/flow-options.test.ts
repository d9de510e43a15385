import { describe, expect, it } from 'vitest';
import { configProblems } from '../support/config-problems.js';
import { flowFingerprint } from '../../src/config/config-fingerprint.js';
import { parseConfig } from '../../src/config/load-config.js';
import { planFlow } from '../../src/config/flow-plan.js';

const base = `
connectors:
  erp: { type: flat-file, folder: inbox }
flows:
  erp:
    source: { type: connector, connector: erp, aspects: [name] }
`;


describe('flow options', () => {
  it('defaults to an hourly schedule and a 24 h grace period, 30 d retention, 10% threshold', () => {
    const flow = parseConfig(base, 'c.yaml', '/configs').flows.erp!;
    expect(flow.schedule).toEqual({ jitter: 0, catchupWindow: 3_600_000, paused: false });
    expect(flow.deletion).toEqual({ gracePeriod: 86_400_000, retention: 2_592_000_000, threshold: 10, approvalTimeout: 86_400_000 });
  });

  it('reads durations with units and explains a bad one with its path', () => {
    const flow = parseConfig(`${base}    deletion: { gracePeriod: 90s, retention: 2d }\n    schedule: { every: 15m, jitter: 30s }\n`, 'c', '/').flows.erp!;
    expect(flow.deletion.gracePeriod).toBe(90_000);
    expect(flow.deletion.retention).toBe(172_800_000);
    expect(flow.schedule).toMatchObject({ every: 900_000, jitter: 30_000 });
    expect(configProblems(`${base}    deletion: { gracePeriod: 1 week }\n`)).toEqual([
      'flows.erp.deletion.gracePeriod: use a number and a unit: ms, s, m, h or d (e.g. 90s, 15m, 24h, 30d)',
    ]);
    expect(configProblems(`${base}    schedule: { every: 1h, cron: ["0 * * * *"] }\n`)).toEqual([
      'flows.erp.schedule: give either "every" or "cron", not both',
    ]);
  });

  it('gives a run its flow’s heartbeat timeout, only when it is not the default 20 s, and refuses one out of bounds', () => {
    const plan = (text: string) => planFlow(parseConfig(text, 'c', '/'), 'erp', { trigger: 'test' });
    expect(parseConfig(base, 'c', '/').flows.erp!.heartbeatTimeout).toBe(20_000);
    expect(plan(base)).not.toHaveProperty('heartbeatTimeoutMs');
    expect(plan(`${base}    heartbeatTimeout: 2m\n`).heartbeatTimeoutMs).toBe(120_000);
    expect(configProblems(`${base}    heartbeatTimeout: 500ms\n`)).toEqual(['flows.erp.heartbeatTimeout: must be between 1s and 10m']);
    expect(configProblems(`${base}    heartbeatTimeout: 1h\n`)).toEqual(['flows.erp.heartbeatTimeout: must be between 1s and 10m']);
  });

  it('explains that mode moved to the connectors', () => {
    expect(configProblems(`${base}    mode: full\n`)).toContain(
      'flows.erp.mode: no longer a flow setting: each input is classified as full or delta by its connector (kind, deltaPattern)',
    );
  });

  it('refuses two flows consuming the files of one connector', () => {
    const text = `${base}  again:\n    source: { type: connector, connector: erp, aspects: [name] }\n`;
    expect(configProblems(text)).toEqual([
      'flows.again.source.connector: connector "erp" is already the source of flow "erp": each input is processed once, so a flat-file connector can be the source of one flow only',
    ]);
  });

  it('fingerprints what a run does, not where the files are', () => {
    const here = parseConfig(base, 'c', '/a');
    const there = parseConfig(base, 'c', '/b');
    expect(flowFingerprint(here, 'erp')).toBe(flowFingerprint(there, 'erp'));
    const changed = parseConfig(base.replace('aspects: [name]', 'aspects: [name, addresses]'), 'c', '/a');
    expect(flowFingerprint(changed, 'erp')).not.toBe(flowFingerprint(here, 'erp'));
  });
});

describe('flat-file encodings', () => {
  const withEncoding = (encoding: string) => base.replace('folder: inbox }', `folder: inbox, encoding: ${encoding} }`);

  it('accepts UTF-8, Windows-1252 and ISO-8859-1 under their usual names', () => {
    const encodingOf = (name: string) => {
      const erp = parseConfig(withEncoding(name), 'c', '/').connectors.erp!;
      return erp.type === 'flat-file' ? erp.encoding : undefined;
    };
    expect(['utf8', 'UTF-8', 'windows-1252', 'cp1252', 'iso-8859-1', 'latin1'].map(encodingOf)).toEqual([
      'utf8',
      'utf8',
      'windows-1252',
      'windows-1252',
      'iso-8859-1',
      'iso-8859-1',
    ]);
  });

  it('refuses UTF-16 and unknown encodings at config time', () => {
    expect(configProblems(withEncoding('utf16le'))).toEqual([
      'connectors.erp.encoding: UTF-16 files are not supported: export the file as UTF-8 (or Windows-1252)',
    ]);
    expect(configProblems(withEncoding('ebcdic'))).toEqual(['connectors.erp.encoding: use one of utf8, windows-1252, iso-8859-1']);
  });
});

describe('survivorship and duplicate settings', () => {
  it('reads survivorship rules and duplicate settings into the run, and explains a bad rule with its path', () => {
    const plan = (text: string) => planFlow(parseConfig(text, 'c', '/'), 'erp', { trigger: 'test' });
    const ruled = plan(`${base}    survivorship: { name: { priority: [erp, crm] }, customerAttributes.vatNumber: { rule: mostRecent, ignoreEmpty: true }, relations: mostFrequent }\n    duplicates: { keys: [email, vat], autoMerge: strong }\n`);
    expect(ruled.survivorship).toEqual({
      name: { rule: 'priority', connectors: ['erp', 'crm'] },
      'customerAttributes.vatNumber': { rule: 'mostRecent', ignoreEmpty: true },
      relations: { rule: 'mostFrequent' },
    });
    expect(ruled.duplicates).toEqual({ keys: ['email', 'vat'], autoMerge: true });
    expect(plan(base)).not.toHaveProperty('survivorship');
    expect(plan(base)).not.toHaveProperty('duplicates');
    expect(configProblems(`${base}    survivorship: { addresses: latest }\n`)).toEqual([
      'flows.erp.survivorship.addresses: a field with a rule: name, relations, customerAttributes[.<key>] or customerContactDetails[.<kind>]',
    ]);
    expect(configProblems(`${base}    survivorship: { name: { rule: mostRecent, priority: [erp] } }\n`)).toEqual([
      'flows.erp.survivorship.name: priority names the connectors of rule priority: give "priority: [connector, …]" (and no other rule)',
    ]);
    expect(configProblems(`${base}    duplicates: { keys: [email, email] }\n`)).toEqual(['flows.erp.duplicates.keys: names a key twice']);
    expect(configProblems(`${base}    survivorship: { name: union }\n`)).toEqual([
      "flows.erp.survivorship.name: union keeps every connector's items: a rule for customerAttributes or customerContactDetails[.<kind>], not for one value",
    ]);
  });
});
