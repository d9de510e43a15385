import { describe, expect, it } from 'vitest';
import type { ConnectorPage } from '../../../src/connectors/connector.js';
import { InputError } from '../../../src/connectors/input-error.js';
import { recordMapper } from '../../../src/connectors/record-mapping/map-record.js';
import { recordMappingSchema } from '../../../src/connectors/record-mapping/record-mapping-schema.js';
import type { SourceEvent } from '../../../src/connectors/source-process/source-events.js';
import { sourceRecordPages } from '../../../src/connectors/source-process/source-record-pages.js';

const mapper = recordMapper(recordMappingSchema.parse({ externalId: 'id', type: 'COMPANY', name: { companyName: 'name' } }));
const schema = { type: 'object', properties: { id: { type: 'string' }, name: { type: ['string', 'null'] } } };

async function* events(list: SourceEvent[]): AsyncGenerator<SourceEvent> {
  for (const e of list) yield await Promise.resolve(e);
}

async function pagesOf(list: SourceEvent[], options: Partial<Parameters<typeof sourceRecordPages>[1]> = {}): Promise<ConnectorPage[]> {
  const pages: ConnectorPage[] = [];
  for await (const page of sourceRecordPages(events(list), { origin: 'stream companies', label: 'connector crm (test)', mapper, schema, pageSize: 2, ...options })) pages.push(page);
  return pages;
}

const record = (position: number, data: Record<string, unknown>): SourceEvent => ({ kind: 'record', position, data });

describe("a source's records as connector pages", () => {
  it('maps records page by page at their positions; the last page carries the last state as the next cursor', async () => {
    const pages = await pagesOf([
      record(2, { id: 'A', name: 'Acme' }),
      record(3, { id: 'B', name: 'Beta' }),
      { kind: 'state', state: '{"cursor":1}' },
      record(5, { id: 'C', name: 'Gamma' }),
      { kind: 'state', state: '{"cursor":2}' },
    ]);
    expect(pages.map((p) => p.fragments.map((f) => [f.seq, f.record.externalId, f.record.name?.companyName]))).toEqual([
      [
        [2, 'A', 'Acme'],
        [3, 'B', 'Beta'],
      ],
      [[5, 'C', 'Gamma']],
    ]);
    expect(pages.map((p) => p.cursor)).toEqual(['3', '5']);
    expect(pages.map((p) => p.nextCursor)).toEqual([undefined, '{"cursor":2}']);
    expect(pages.reduce((n, p) => n + p.read, 0)).toBe(3);
  });

  it('skips a record without the value the mapping needs (skipUnless): neither staged nor rejected', async () => {
    const onlyNamed = recordMapper(recordMappingSchema.parse({ skipUnless: 'name', externalId: 'id', type: 'COMPANY', name: { companyName: 'name' } }));
    const pages = await pagesOf([record(2, { id: 'A', name: 'Acme' }), record(3, { id: 'B', name: null }), record(4, { id: 'C', name: 'Gamma' })], { mapper: onlyNamed });
    expect(pages.flatMap((p) => p.fragments.map((f) => f.record.externalId))).toEqual(['A', 'C']);
    expect(pages.flatMap((p) => p.rejects)).toEqual([]);
  });

  it('rejects a record the schema refuses, one the mapping cannot map and a line that is no message, naming position, key and reason; the rest syncs', async () => {
    const pages = await pagesOf(
      [
        record(1, { id: 'A', name: 'Acme' }),
        record(2, { id: 'B', name: 42 }),
        record(3, { name: 'No id' }),
        { kind: 'garbage', position: 4, line: 'Traceback (most recent call last):', reason: 'not JSON' },
        record(5, { id: 'E', name: 'Epsilon' }),
      ],
      { pageSize: 100 },
    );
    expect(pages.flatMap((p) => p.fragments.map((f) => f.record.externalId))).toEqual(['A', 'E']);
    const rejects = pages.flatMap((p) => p.rejects);
    expect(rejects).toHaveLength(3);
    expect(rejects[0]).toMatchObject({ source: 'stream companies', line: 2, externalId: 'B' });
    expect(rejects[0]!.reason).toMatch(/schema: \/name must be string/);
    expect(rejects[1]).toMatchObject({ source: 'stream companies', line: 3, field: 'externalId' });
    expect(rejects[1]!.reason).toMatch(/the mapping cannot map it/);
    expect(rejects[2]).toMatchObject({ line: 4, raw: 'Traceback (most recent call last):' });
    expect(rejects[2]!.reason).toMatch(/line 4 of the source's output is not JSON/);
  });

  it('checks records against a schema the source sends with them', async () => {
    const pages = await pagesOf([{ kind: 'schema', schema: { type: 'object', properties: { id: { type: 'integer' } } } }, record(2, { id: 'A', name: 'Acme' })]);
    expect(pages[0]!.rejects[0]!.reason).toMatch(/\/id must be integer/);
  });

  it('resumes after a position: what was staged before is skipped', async () => {
    const list = [record(1, { id: 'A' }), record(2, { id: 'B' }), record(3, { id: 'C' })];
    const pages = await pagesOf(list, { after: 2 });
    expect(pages.flatMap((p) => p.fragments.map((f) => f.record.externalId))).toEqual(['C']);
    expect(pages.at(-1)!.cursor).toBe('3');
  });

  it('fails a source that wrote nothing but lines that are no message, quoting the first', async () => {
    const garbage = ['usage: source [-h]', 'error: unrecognized arguments', 'x', 'y'].map((line, i): SourceEvent => ({ kind: 'garbage', position: i + 1, line, reason: 'not JSON' }));
    const error = await pagesOf(garbage).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/connector crm \(test\) wrote no protocol message, only lines like these:\nusage: source \[-h\]\nerror: unrecognized arguments\nx$/);
  });

  it('reads an empty stream as one empty page, keeping the state', async () => {
    expect(await pagesOf([{ kind: 'state', state: '[]' }])).toEqual([{ fragments: [], rejects: [], read: 0, cursor: '0', nextCursor: '[]' }]);
  });
});
