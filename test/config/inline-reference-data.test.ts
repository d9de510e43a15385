import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configProblems } from '../support/config-problems.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createFlatFileConnector } from '../../src/connectors/flat-file/flat-file-connector.js';
import type { FlatFileConnectorConfig } from '../../src/config/config-schema.js';
import { BAD_ROWS, inboxWith, SHARED_DATA } from '../support/sample-data.js';

const configWith = (referenceData: unknown, folder = '/inbox') =>
  JSON.stringify({
    connectors: { erp: { type: 'flat-file', folder, referenceData } },
    flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name'] }, schedule: false } },
  });


async function rejectsOf(config: FlatFileConnectorConfig) {
  const connector = createFlatFileConnector('erp', config);
  const [input] = await connector.listInputs();
  const rejects = [];
  for await (const page of connector.read(input!, { pageSize: 100 })) rejects.push(...page.rejects);
  return rejects.map((r) => [r.line, r.field, r.reason]);
}

describe('reference data inline in the config', () => {
  const shared = JSON.parse(readFileSync(join(SHARED_DATA, 'reference-data.json'), 'utf8')) as Record<string, unknown>;

  it('is checked with the config: every problem with its path', () => {
    const problems = configProblems(
      configWith({
        priceTypes: [
          { currency: 'USD', name: 'US Dollar' },
          { currency: 'USD', name: 'US Dollar' },
          { currency: 'usd', name: 'Lower' },
        ],
        salesReps: [
          { code: 'SR01', email: 'rep@brand.example' },
          { code: 'SR02', email: 'REP@brand.example' },
        ],
        warehouses: [{ code: 'WH-1' }],
      }),
    );
    expect(problems).toEqual([
      'connectors.erp.referenceData.priceTypes.2.currency: currency must be a 3-letter upper-case ISO code such as USD',
      'connectors.erp.referenceData.warehouses.0.name: is required (expected string)',
    ]);
    const duplicates = configProblems(
      configWith({
        priceTypes: [
          { currency: 'USD', name: 'US Dollar' },
          { currency: 'USD', name: 'US Dollar' },
        ],
        salesReps: [
          { code: 'SR01', email: 'rep@brand.example' },
          { code: 'SR02', email: 'REP@brand.example' },
        ],
      }),
    );
    expect(duplicates).toEqual([
      'connectors.erp.referenceData.priceTypes.1: price type USD / US Dollar is already defined at priceTypes[0]',
      'connectors.erp.referenceData.salesReps.1: sales rep email REP@brand.example is already defined at salesReps[0]',
    ]);
  });

  it('rejects rows with unknown codes exactly as the same data from a file does', async () => {
    const inbox = inboxWith(BAD_ROWS);
    const inline = parseConfig(configWith(shared, inbox), 'custsync.config.yaml', '/').connectors.erp as FlatFileConnectorConfig;
    const fromFile = parseConfig(configWith(join(SHARED_DATA, 'reference-data.json'), inbox), 'custsync.config.yaml', '/').connectors
      .erp as FlatFileConnectorConfig;
    const rejects = await rejectsOf(inline);
    expect(rejects.some(([, field]) => field === 'sales_rep_code')).toBe(true);
    expect(rejects).toEqual(await rejectsOf(fromFile));
  });
});
