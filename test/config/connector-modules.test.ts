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
      ['airbyte-source', ['list', 'changesSince']],
      ['singer-tap', ['list', 'changesSince']],
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
      "connectors.api.type: Invalid discriminator value. Expected 'flat-file' | 'jsonl-file' | 'http' | 'oms' | 'airbyte-source' | 'singer-tap'",
    ]);
  });

  it('refuse a source process connector that names nothing to run, an unknown preset or a secret that is no JSON pointer', () => {
    expect(
      configProblems(`
connectors:
  hubspot: { type: airbyte-source, package: airbyte-source-hubspot, stream: contacts, mapping: { preset: hubspot-contact }, secrets: { credentials.access_token: HUBSPOT_TOKEN } }
  crm: { type: singer-tap, stream: contacts, mapping: { externalId: id, type: PERSON } }
flows: {}
`),
    ).toEqual([
      'connectors.hubspot.secrets.credentials.access_token: a JSON pointer into config, e.g. /credentials/access_token',
      'connectors.hubspot.mapping.preset: one of the presets: hubspot-contacts, hubspot-company-contacts, hubspot-companies, salesforce-accounts, salesforce-contacts, shopify-customers, stripe-customers',
      'connectors.crm.package: name the source to run: package (installed with custsync connectors install) or executable',
    ]);
  });
});
