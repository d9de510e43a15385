import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import { customerIdOf } from '../support/db-state.js';
import { SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const NAME = 'Café Müller – ‘Bäckerei’ €';
const FILE = 'customer_20261101T020000.txt';

/** The snapshot's ASCII customers C1001 and C1004, C1001 renamed, written in Windows-1252 into a new inbox. */
function windows1252Inbox(): string {
  const [header, ...rows] = readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').trimEnd().split('\n');
  const kept = rows.filter((r) => /\|C100[14]\|/.test(r)).map((r) => r.replace(/^Acme Boutique\|/, `${NAME}|`));
  const inbox = mkdtempSync(join(tmpdir(), 'custsync-1252-'));
  writeFileSync(join(inbox, FILE), iconv.encode([header, ...kept].join('\r\n') + '\r\n', 'win1252'));
  return inbox;
}

describe('file encodings', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    const referenceData = join(SHARED_DATA, 'reference-data.json');
    const flow = (connector: string) => ({ source: { type: 'connector', connector, aspects: TEMPLATE_ASPECTS }, schedule: false });
    h = await startSyncHarness({
      connectors: {
        cp1252: { type: 'flat-file', folder: windows1252Inbox(), encoding: 'windows-1252', referenceData },
        mislabelled: { type: 'flat-file', folder: windows1252Inbox(), referenceData },
      },
      flows: { cp1252: flow('cp1252'), mislabelled: flow('mislabelled') },
    });
  });
  afterAll(async () => h?.close());

  it('stores a Windows-1252 file’s € ‘ ’ – and accents exactly', async () => {
    const report = await h.run('cp1252');
    expect(report.totals).toMatchObject({ created: 2, rejected: 0 });
    const customer = await h.db.db
      .selectFrom('customers')
      .select('company_name')
      .where('id', '=', await customerIdOf(h.db, 'cp1252', 'C1001'))
      .executeTakeFirstOrThrow();
    expect(customer.company_name).toBe(NAME);
  });

  it('rejects, never garbles, the rows of a Windows-1252 file read as UTF-8, naming line and column', async () => {
    const report = await h.run('mislabelled');
    expect(report.totals.created).toBe(1);
    const rejected = report.rejectedSample;
    expect(rejected.map((r) => [r.line, r.externalId, r.field])).toEqual([
      [2, 'C1001', 'profile_name'],
      [3, 'C1001', 'profile_name'],
      [4, 'C1001', 'profile_name'],
    ]);
    expect(rejected[0]!.reason).toBe(
      "profile_name (column 1) cannot be read: byte 0xE9 at position 4 of the value is not valid UTF-8 (is the file Windows-1252 or ISO-8859-1? set the connector's encoding)",
    );
    const names = await h.db.db.selectFrom('customers').select('company_name').execute();
    expect(names.some((n) => n.company_name?.includes('\uFFFD'))).toBe(false);
  });
});
