import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/config-schema.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { ConnectorPage, ReadOptions, SourceDigest, StagedFragment } from '../../../src/connectors/connector.js';
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

async function readAll(name: string, cursor?: string, pageSize = 1, options: Partial<ReadOptions> = {}, connector = erp): Promise<ConnectorPage[]> {
  const input = (await connector.listInputs()).find((i) => i.name === name)!;
  const pages: ConnectorPage[] = [];
  for await (const page of connector.read(input, { cursor, pageSize, ...options })) pages.push(page);
  return pages;
}

const sourceHashes = (pages: ConnectorPage[]) => Object.fromEntries(pages.flatMap((p) => p.fragments.map((f) => [f.record.externalId, f.sourceHash])));

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

  it('hashes what the source supplied for each customer: the same rows hash the same, a changed row or reference data hashes otherwise, a customer with a rejected row is not hashed', async () => {
    const hashes = sourceHashes(await readAll(SNAPSHOT, undefined, 2));
    expect(Object.keys(hashes)).toEqual(['C1001', 'C1002', 'C1003', 'C1004']);
    expect(new Set(Object.values(hashes)).size).toBe(4);
    expect(sourceHashes(await readAll(SNAPSHOT, undefined, 3))).toEqual(hashes);

    const folder = mkdtempSync(join(tmpdir(), 'source-hash-'));
    const lines = readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').split('\n');
    writeFileSync(join(folder, SNAPSHOT), lines.map((l) => (l.split('|')[1] === 'C1003' ? l.replace('|C1003|', '|C1003 |') : l)).join('\n'));
    const reference = JSON.parse(readFileSync(join(SHARED_DATA, 'reference-data.json'), 'utf8')) as { warehouses: unknown[] };
    writeFileSync(join(folder, 'reference-data.json'), JSON.stringify({ ...reference, warehouses: [...reference.warehouses, { code: 'WH-X', name: 'Another' }] }));
    const connectorOver = (referenceData: string) =>
      createConnectorFactory(configSchema.parse({ connectors: { erp: { type: 'flat-file', folder, referenceData } }, flows: {} }).connectors)('erp');
    const edited = sourceHashes(await readAll(SNAPSHOT, undefined, 2, {}, connectorOver(join(SHARED_DATA, 'reference-data.json'))));
    expect(edited.C1003).not.toBe(hashes.C1003);
    expect({ ...edited, C1003: hashes.C1003 }).toEqual(hashes);
    const otherReference = sourceHashes(await readAll(SNAPSHOT, undefined, 2, {}, connectorOver(join(folder, 'reference-data.json'))));
    expect(Object.values(otherReference).some((h) => Object.values(hashes).includes(h))).toBe(false);

    const bad = await readAll(BAD_ROWS, undefined, 10);
    const rejectedIds = new Set(bad.flatMap((p) => p.rejects.map((r) => r.externalId)));
    for (const f of bad.flatMap((p) => p.fragments)) expect(f.sourceHash === undefined).toBe(rejectedIds.has(f.record.externalId));
  });

  it('leaves the customers recognize names unmapped, listing them where they are, and maps the others as before', async () => {
    const plain = await readAll(SNAPSHOT, undefined, 2);
    const hashes = sourceHashes(plain);
    const asked: SourceDigest[] = [];
    const pages = await readAll(SNAPSHOT, undefined, 2, {
      recognize: (digests) => {
        asked.push(...digests);
        return Promise.resolve(new Set(digests.filter((d) => d.externalId === 'C1002' || d.externalId === 'C1004').map((d) => d.externalId)));
      },
    });
    expect(asked).toEqual(Object.entries(hashes).map(([externalId, sourceHash]) => ({ externalId, sourceHash })));
    expect(pages.flatMap((p) => p.fragments)).toEqual(plain.flatMap((p) => p.fragments).filter((f) => !['C1002', 'C1004'].includes(f.record.externalId)));
    const seqOf = (id: string) => plain.flatMap((p) => p.fragments).find((f) => f.record.externalId === id)!.seq;
    expect(pages.flatMap((p) => p.recognized ?? [])).toEqual(
      ['C1002', 'C1004'].map((id) => ({ seq: seqOf(id), externalId: id, sourceHash: hashes[id] })),
    );
    expect(pages.map((p) => p.cursor)).toEqual(plain.map((p) => p.cursor));
    expect(pages.reduce((n, p) => n + p.read, 0)).toBe(8);
  });
});
