import { describe, expect, it } from 'vitest';
import { configProblems } from '../support/config-problems.js';
import { CONNECTOR_MODULES } from '../../src/connectors/connector-registry.js';


describe('connector modules', () => {
  it('each declare their type, config schema, aspects and capabilities', () => {
    expect(CONNECTOR_MODULES.map((m) => [m.type, m.capabilities])).toEqual([
      ['flat-file', ['list']],
      ['jsonl-file', ['list', 'lookup']],
      ['http', ['list', 'changesSince']],
      ['oms', ['list', 'lookup', 'push']],
    ]);
    for (const m of CONNECTOR_MODULES) expect(m.configSchema.safeParse({ type: m.type }).success).toBe(false);
  });

  it('refuse a step that asks a connector for an aspect it cannot supply, naming what it can', () => {
    expect(
      configProblems(`
connectors:
  erp: { type: flat-file, folder: inbox }
  crm: { type: jsonl-file, path: crm.jsonl }
flows:
  erp:
    source: { type: connector, connector: erp, aspects: [name, relations, addresses, attachments] }
    enrichments:
      - { connector: crm, aspects: [relations, attachments] }
`),
    ).toEqual([
      'flows.erp.source.aspects.1: connector "erp" (flat-file) cannot supply relations; it supplies name, addresses, contactPersons, customerAttributes, customerContactDetails, addressAttributes, addressContactDetails',
      'flows.erp.source.aspects.3: connector "erp" (flat-file) cannot supply attachments; it supplies name, addresses, contactPersons, customerAttributes, customerContactDetails, addressAttributes, addressContactDetails',
    ]);
  });

  it('refuse pushing to a connector that cannot push or does not exist', () => {
    expect(
      configProblems(`
connectors:
  crm: { type: jsonl-file, path: crm.jsonl }
  oms: { type: oms, baseUrl: "http://127.0.0.1:9/api" }
flows:
  crm:
    source: { type: connector, connector: crm, aspects: [name] }
    pushTo: [oms, crm, erp]
`),
    ).toEqual([
      'flows.crm.pushTo.1: connector "crm" (jsonl-file) cannot push customers; types that can: oms',
      'flows.crm.pushTo.2: unknown connector "erp"; defined: crm, oms',
    ]);
  });

  it('name an unknown connector type with the known ones', () => {
    expect(configProblems(`connectors:\n  api: { type: rest }\nflows: {}\n`)).toEqual([
      "connectors.api.type: Invalid discriminator value. Expected 'flat-file' | 'jsonl-file' | 'http' | 'oms'",
    ]);
  });
});
