import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/config-schema.js';
import type { ConnectorPage, StagedFragment } from '../../../src/connectors/connector.js';
import { createConnectorFactory } from '../../../src/connectors/create-connector.js';
import { combineFragments } from '../../../src/merge/index.js';
import { BAD_ROWS, DELTA, inboxWith, SHARED_DATA, SNAPSHOT } from '../../support/sample-data.js';

const erp = createConnectorFactory(
  configSchema.parse({
    connectors: {
      erp: { type: 'flat-file', folder: inboxWith(BAD_ROWS, SNAPSHOT, DELTA), referenceData: join(SHARED_DATA, 'reference-data.json') },
    },
    flows: {},
  }).connectors,
)('erp');

async function readAll(name: string, cursor?: string, pageSize = 1): Promise<ConnectorPage[]> {
  const input = (await erp.listInputs()).find((i) => i.name === name)!;
  const pages: ConnectorPage[] = [];
  for await (const page of erp.read(input, { cursor, pageSize })) pages.push(page);
  return pages;
}

const customers = (fragments: StagedFragment[]) => {
  const byId = new Map<string, StagedFragment[]>();
  for (const f of fragments) byId.set(f.record.externalId, [...(byId.get(f.record.externalId) ?? []), f]);
  return [...byId.entries()].map(([id, list]) => [id, combineFragments(list.map((f) => f.record))] as const);
};

describe('flat-file connector', () => {
  it('lists the folder’s files oldest first with checksums', async () => {
    const inputs = await erp.listInputs();
    expect(inputs.map((i) => i.name)).toEqual([SNAPSHOT, DELTA, BAD_ROWS]);
    expect(inputs.every((i) => /^[0-9a-f]{64}$/.test(i.checksum))).toBe(true);
  });

  it('pages the snapshot one customer group at a time, never splitting a customer across pages', async () => {
    const pages = await readAll(SNAPSHOT);
    expect(pages.map((p) => p.fragments.map((f) => f.record.externalId))).toEqual([
      ['C1001'],
      ['C1002'],
      ['C1003'],
      ['C1004'],
    ]);
    expect(pages.reduce((n, p) => n + p.read, 0)).toBe(8);
    expect(pages[0]!.fragments[0]!.record.addresses).toHaveLength(3);
  });

  it('resumes from every cursor it gave, the last one included, with exactly the rest', async () => {
    for (const file of [SNAPSHOT, BAD_ROWS]) {
      const pages = await readAll(file);
      for (const [i, page] of pages.entries()) {
        const rest = await readAll(file, page.cursor);
        const expected = pages.slice(i + 1);
        expect(customers(rest.flatMap((p) => p.fragments))).toEqual(customers(expected.flatMap((p) => p.fragments)));
        expect(rest.flatMap((p) => p.rejects)).toEqual(expected.flatMap((p) => p.rejects));
        expect(rest.reduce((n, p) => n + p.read, 0)).toBe(expected.reduce((n, p) => n + p.read, 0));
      }
    }
  });
});
