import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildReferenceLookups,
  loadReferenceData,
  parseReferenceData,
  ReferenceDataError,
} from '../../../src/connectors/flat-file/reference-data.js';
import { samplePath } from './sample-files.js';

const REFERENCE_FILE = samplePath('reference-data.json');

describe('reference data', () => {
  it('loads the sample reference data and builds lookups', async () => {
    const data = await loadReferenceData(REFERENCE_FILE);
    expect(data.priceTypes).toHaveLength(4);
    const lookups = buildReferenceLookups(data);
    expect(lookups.priceTypes.has('USD/US Dollar')).toBe(true);
    expect(lookups.priceTypes.has('XXX/Mystery Money')).toBe(false);
    expect(lookups.salesRepCodes?.has('SR07')).toBe(true);
    expect(lookups.shippingTermCodes?.has('FOB')).toBe(true);
    expect(lookups.warehouseCodesByName?.get('east coast dc')).toBe('WH-E');
    expect(buildReferenceLookups(data)).toBe(lookups);
  });

  it('requires only price types', () => {
    const data = parseReferenceData({ priceTypes: [{ currency: 'USD', name: 'US Dollar' }] });
    expect(buildReferenceLookups(data).salesRepCodes).toBeUndefined();
    expect(() => parseReferenceData({})).toThrow(ReferenceDataError);
    expect(() => parseReferenceData({ priceTypes: [] })).toThrow(/at least one price type is required/);
  });

  it('rejects duplicate price type pairs and sales rep codes or emails, listing every problem', () => {
    const attempt = () =>
      parseReferenceData({
        priceTypes: [
          { currency: 'USD', name: 'US Dollar' },
          { currency: 'USD', name: 'US Dollar' },
          { currency: 'USD', name: 'US Dollar Wholesale' },
        ],
        salesReps: [
          { code: 'SR01', email: 'a@brand.example' },
          { code: 'SR01', email: 'b@brand.example' },
          { code: 'SR02', email: 'A@brand.example' },
        ],
      });
    expect(attempt).toThrow(ReferenceDataError);
    let message = '';
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('price type USD / US Dollar is already defined at priceTypes[0]');
    expect(message).toContain('sales rep code SR01 is already defined at salesReps[0]');
    expect(message).toContain('sales rep email A@brand.example is already defined at salesReps[0]');
    expect(message).not.toContain('US Dollar Wholesale');
  });

  it('rejects unknown keys, bad currencies and bad emails', () => {
    expect(() =>
      parseReferenceData({ priceTypes: [{ currency: 'usd', name: 'US Dollar' }], extra: true }),
    ).toThrow(/3-letter upper-case ISO code[\s\S]*extra|extra[\s\S]*3-letter upper-case ISO code/);
    expect(() =>
      parseReferenceData({ priceTypes: [{ currency: 'USD', name: 'US Dollar' }], salesReps: [{ code: 'S', email: 'nope' }] }),
    ).toThrow(/salesReps\[0\]\.email|salesReps\.0\.email/);
  });

  it('reports a file that is not JSON with its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reference-data-'));
    try {
      const path = join(dir, 'bad.json');
      await writeFile(path, '{ not json');
      await expect(loadReferenceData(path)).rejects.toThrow(`reference data file ${path} is not valid JSON`);
      const valid = join(dir, 'no-price-types.json');
      const sample = JSON.parse(await readFile(REFERENCE_FILE, 'utf8')) as Record<string, unknown>;
      delete sample.priceTypes;
      await writeFile(valid, JSON.stringify(sample));
      await expect(loadReferenceData(valid)).rejects.toThrow(/priceTypes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
