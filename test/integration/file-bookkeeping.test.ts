import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../src/cli/format-report.js';
import { DELTA, dropInto, inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

describe('flat files after and before processing', () => {
  let h: SyncHarness;
  const inbox = {
    archive: inboxWith(SNAPSHOT),
    delete: inboxWith(SNAPSHOT),
    young: inboxWith(SNAPSHOT),
    marker: inboxWith(SNAPSHOT),
    dupes: inboxWith(SNAPSHOT),
    warned: inboxWith(),
  };
  beforeAll(async () => {
    const referenceData = join(SHARED_DATA, 'reference-data.json');
    const erp = (folder: string, extra: Record<string, unknown>) => ({ type: 'flat-file', folder, referenceData, ...extra });
    const flow = (connector: string) => ({ source: { type: 'connector', connector, aspects: ['name'] }, schedule: false });
    h = await startSyncHarness({
      connectors: {
        archive: erp(inbox.archive, { afterProcessing: 'archive' }),
        delete: erp(inbox.delete, { afterProcessing: 'delete' }),
        young: erp(inbox.young, { minAge: '10m' }),
        marker: erp(inbox.marker, { doneMarker: '.done', afterProcessing: 'delete' }),
        dupes: erp(inbox.dupes, {}),
        warned: erp(inbox.warned, {}),
      },
      flows: { archive: flow('archive'), delete: flow('delete'), young: flow('young'), marker: flow('marker'), dupes: { ...flow('dupes'), deletion: { threshold: 100 } }, warned: flow('warned') },
    });
  });
  afterAll(async () => h?.close());

  it('archives a processed file into <folder>/archive, or deletes it', async () => {
    expect((await h.run('archive')).totals.created).toBe(4);
    expect(readdirSync(inbox.archive)).toEqual(['archive']);
    expect(readdirSync(join(inbox.archive, 'archive'))).toEqual([SNAPSHOT]);
    expect((await h.run('delete')).totals.created).toBe(4);
    expect(readdirSync(inbox.delete)).toEqual([]);
  });

  it('leaves a file modified within minAge for a later run', async () => {
    const fresh = await h.run('young');
    expect(fresh.steps[0]!.inputs).toEqual([]);
    utimesSync(join(inbox.young, SNAPSHOT), HOUR_AGO, HOUR_AGO);
    expect((await h.run('young')).steps[0]!.inputs).toEqual([SNAPSHOT]);
  });

  it('reads a file only once its done-marker is there, and removes both afterwards', async () => {
    expect((await h.run('marker')).steps[0]!.inputs).toEqual([]);
    writeFileSync(join(inbox.marker, `${SNAPSHOT}.done`), '');
    expect((await h.run('marker')).steps[0]!.inputs).toEqual([SNAPSHOT]);
    expect(existsSync(join(inbox.marker, SNAPSHOT))).toBe(false);
    expect(readdirSync(inbox.marker)).toEqual([]);
  });

  it('shows header warnings in the run report, with the column a misspelling most likely meant', async () => {
    const [header, ...rows] = readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').split('\n');
    const misspelled = header!.replace('|customer_alias|', '|custmer_alias|').replace(/\r?$/, '|colour');
    writeFileSync(join(inbox.warned, SNAPSHOT), [misspelled, ...rows.map((r) => (r.trim() === '' ? r : r.replace(/\r?$/, '|')))].join('\n'));
    const report = await h.run('warned');
    expect(report.totals.created).toBe(4);
    expect(report.steps[0]!.inputDetails[0]!.warnings).toEqual([
      'column 3 (custmer_alias) is not a template field and is ignored; did you mean customer_alias?',
      `column ${header!.split('|').length + 1} (colour) is not a template field and is ignored`,
    ]);
    expect(formatReport(report)).toContain(`⚠ ${SNAPSHOT}: column 3 (custmer_alias) is not a template field and is ignored; did you mean customer_alias?`);
  });

  it('skips an upload repeated under another name, saying which file delivered it', async () => {
    const first = await h.run('dupes');
    expect(first.totals.created).toBe(4);
    dropInto(inbox.dupes, SNAPSHOT, 'customer_20261101T050000.txt');
    dropInto(inbox.dupes, DELTA, 'customer_20261101T060000_delta.txt');
    dropInto(inbox.dupes, DELTA, 'customer_20261101T070000_delta.txt');
    const second = await h.run('dupes');
    expect(second.steps[0]!.inputDetails.map((d) => [d.name, d.status, d.duplicateOf])).toEqual([
      ['customer_20261101T050000.txt', 'duplicate', `${SNAPSHOT} (run ${first.runId})`],
      ['customer_20261101T060000_delta.txt', 'applied', undefined],
      ['customer_20261101T070000_delta.txt', 'duplicate', 'customer_20261101T060000_delta.txt'],
    ]);
    expect(second.steps[0]!.inputs).toEqual(['customer_20261101T060000_delta.txt']);
    expect(formatReport(second)).toContain(`skipped: same content as ${SNAPSHOT} (run ${first.runId})`);
    expect((await h.run('dupes')).steps[0]!.inputDetails).toEqual([]);

    // The first snapshot's content again, after other files: the source's state again, so it is applied.
    dropInto(inbox.dupes, SNAPSHOT, 'customer_20261101T080000.txt');
    const again = await h.run('dupes');
    expect(again.steps[0]!.inputDetails.map((d) => d.status)).toEqual(['applied']);
  });
});
