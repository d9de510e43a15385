import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema, type FlatFileConnectorConfig } from '../../../src/config/config-schema.js';
import type { Connector, ConnectorPage, ReadOptions, SourceDigest } from '../../../src/connectors/connector.js';
import { createFlatFileConnector } from '../../../src/connectors/flat-file/flat-file-connector.js';
import { InputError } from '../../../src/connectors/input-error.js';
import { recordTextAndHash } from '../../../src/merge/index.js';
import { writeReferenceData, writeTemplateFile } from '../../../bench/template-file-writer.js';
import { writeFragment } from '../../../src/connectors/flat-file/written-fragments.js';
import { BAD_ROWS, DELTA, inboxWith, SHARED_DATA, SNAPSHOT } from '../../support/sample-data.js';

const GENERATED = 'customer_20261102T020000.txt';
const WITH_NUL = 'customer_20261103T020000.txt';
const UNTERMINATED = 'customer_20261104T020000.txt';

const inbox = inboxWith(SNAPSHOT, DELTA, BAD_ROWS);
// A NUL in a customer's name: a value the database cannot store.
const snapshotLines = readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').split('\n');
snapshotLines[3] = snapshotLines[3]!.replace('|', '\u0000 Ltd|');
writeFileSync(join(inbox, WITH_NUL), snapshotLines.join('\n'));
// A quote opened in the last row and never closed: the file cannot be read past it.
writeFileSync(join(inbox, UNTERMINATED), `${readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').trimEnd()}\nC9|"never closed|x\n`);
const generatedInbox = inboxWith();
await writeTemplateFile(join(generatedInbox, GENERATED), 1_500);
await writeReferenceData(join(generatedInbox, 'reference-data.json'));

/** The same flat-file connector reading and mapping in process and on threads, whatever the file's size. */
function connectorsOver(folder: string, referenceData: string) {
  const config = configSchema.parse({ connectors: { erp: { type: 'flat-file', folder, referenceData, minAge: '0s' } }, flows: {} }).connectors.erp as FlatFileConnectorConfig;
  return {
    inProcess: createFlatFileConnector('erp', config, { threadsFromBytes: Number.POSITIVE_INFINITY }),
    onThread: createFlatFileConnector('erp', config, { threadsFromBytes: 0 }),
  };
}
const samples = connectorsOver(inbox, join(SHARED_DATA, 'reference-data.json'));
const generated = connectorsOver(generatedInbox, join(generatedInbox, 'reference-data.json'));
const { onThread } = generated;

async function readAll(connector: Connector, name: string, options: Omit<ReadOptions, 'pageSize'> & { pageSize?: number } = {}): Promise<ConnectorPage[]> {
  const input = (await connector.listInputs()).find((i) => i.name === name)!;
  const pages: ConnectorPage[] = [];
  for await (const page of connector.read(input, { pageSize: 3, ...options })) pages.push(page);
  return pages;
}

/** Pages as a reader sees them: each fragment's record, source hash and position (not how its text came to be). */
const seen = (pages: ConnectorPage[]) => pages.map((p) => ({ ...p, fragments: p.fragments.map((f) => ({ seq: f.seq, sourceHash: f.sourceHash, record: f.record })) }));

/** Recognizes every other customer it is asked about. */
function everyOther(): (customers: readonly SourceDigest[]) => Promise<ReadonlySet<string>> {
  let n = 0;
  return (customers) => Promise.resolve(new Set(customers.filter(() => n++ % 2 === 0).map((c) => c.externalId)));
}

describe('a large file read and mapped on threads of its own', () => {
  it.each([SNAPSHOT, DELTA, BAD_ROWS, WITH_NUL, GENERATED])('reads %s as it is read without threads: the same pages, records, rejects and cursors', async (name) => {
    const { inProcess, onThread: threaded } = name === GENERATED ? generated : samples;
    for (const pageSize of [1, 3, 1_000]) {
      expect(seen(await readAll(threaded, name, { pageSize }))).toEqual(seen(await readAll(inProcess, name, { pageSize })));
    }
  });

  it('gives each record its jsonb text and hash, written on the thread, and its record when asked for', async () => {
    const pages = await readAll(onThread, GENERATED, { pageSize: 100 });
    const fragments = pages.flatMap((p) => p.fragments);
    expect(fragments).toHaveLength(1_500);
    for (const f of fragments) {
      const { text, hash } = recordTextAndHash(f.record);
      expect(f.written).toEqual({ externalId: f.record.externalId, text, hash });
    }
  });

  it('rejects a row holding a NUL on the thread as without it, naming its line and column', async () => {
    const rejects = (await readAll(samples.onThread, WITH_NUL)).flatMap((p) => p.rejects);
    expect(rejects).toEqual([expect.objectContaining({ line: 4, field: 'profile_name' })]);
  });

  it('leaves a record with a value jsonb cannot hold or the database cannot store as its record, for the stage step to name', () => {
    const records = [
      { externalId: 'C1', name: { companyName: 'Nul\u0000 Ltd' } },
      { externalId: 'C2', customerAttributes: [{ key: 'score', value: Number.NaN }] },
      { externalId: 'C3', customerId: '3f0c2d6e-9a56-4c1e-8d53-0a6f5b1f2a10', name: { companyName: 'Fine' } },
    ];
    const wire = records.map((record, i) => writeFragment({ seq: i + 1, record }));
    expect(wire.slice(0, 2)).toEqual([
      { seq: 1, record: records[0] },
      { seq: 2, record: records[1] },
    ]);
    expect(wire[2]).toEqual({ seq: 3, written: { externalId: 'C3', customerId: records[2]!.customerId, ...recordTextAndHash(records[2]) } });
  });

  it('lists recognized customers unmapped, as without the thread, and maps the others', async () => {
    const onThreadPages = await readAll(onThread, GENERATED, { pageSize: 50, recognize: everyOther() });
    const inProcessPages = await readAll(generated.inProcess, GENERATED, { pageSize: 50, recognize: everyOther() });
    expect(seen(onThreadPages)).toEqual(seen(inProcessPages));
    expect(onThreadPages.flatMap((p) => p.recognized ?? [])).toHaveLength(750);
    expect(onThreadPages.flatMap((p) => p.fragments)).toHaveLength(750);
  });

  it('fails on a file it cannot read past as without threads: an input error naming the file and line, after the pages before it', async () => {
    const outcome = async (connector: Connector) => {
      const pages: ConnectorPage[] = [];
      const error = await readAll(connector, UNTERMINATED, { pageSize: 1, recognize: everyOther() }).catch((e: unknown) => e);
      const input = (await connector.listInputs()).find((i) => i.name === UNTERMINATED)!;
      await (async () => {
        for await (const page of connector.read(input, { pageSize: 1 })) pages.push(page);
      })().catch(() => undefined);
      return { error, pages: seen(pages) };
    };
    const threaded = await outcome(samples.onThread);
    expect(threaded.error).toBeInstanceOf(InputError);
    expect((threaded.error as Error).message).toMatch(new RegExp(`^${UNTERMINATED}: .*line 10 .*the rows before it were read$`, 's'));
    expect(threaded.pages.length).toBeGreaterThan(0);
    expect(threaded).toEqual(await outcome(samples.inProcess));
  });

  it('resumes from a cursor it gave with exactly the rest, and stops its thread when the reader stops early', async () => {
    const pages = await readAll(onThread, GENERATED, { pageSize: 200 });
    const rest = await readAll(onThread, GENERATED, { pageSize: 200, cursor: pages[2]!.cursor });
    expect(seen(rest)).toEqual(seen(pages.slice(3)));
    const input = (await onThread.listInputs()).find((i) => i.name === GENERATED)!;
    for await (const page of onThread.read(input, { pageSize: 10 })) {
      expect(page.fragments).toHaveLength(10);
      break;
    }
  });
});

