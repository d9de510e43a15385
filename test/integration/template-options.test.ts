import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import { customerContent } from '../support/content-tables.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const YES_NO: Record<string, string> = { Y: 'Ja', N: 'Nein' };

/**
 * The snapshot as another ERP writes it: `;` between fields, its own name for the
 * customer code and warehouse columns, `NULL` for every empty cell, Ja/Nein for Y/N.
 */
function rewriteSnapshot(folder: string): void {
  const [header, ...rows] = readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').trimEnd().split('\n');
  const columns = header!.split('|');
  const booleans = new Set(['discount_line_item_level', 'create_doors'].map((c) => columns.indexOf(c)));
  const renamed = columns.map((c) => (c === 'customer_code' ? 'Kundennummer' : c.replace(/^warehouse_code_(\d+)$/, 'Lager $1')));
  const text = [
    renamed.join(';'),
    ...rows.map((row) =>
      row
        .split('|')
        .map((cell, i) => (cell === '' ? 'NULL' : booleans.has(i) ? (YES_NO[cell] ?? cell) : cell))
        .join(';'),
    ),
  ].join('\n');
  writeFileSync(join(folder, SNAPSHOT), `${text}\n`);
}

describe('a file that differs from the template: column names, delimiter, null markers, yes/no spellings', () => {
  let standard: SyncHarness;
  let custom: SyncHarness;
  const referenceData = join(SHARED_DATA, 'reference-data.json');
  const flows = { erp: { source: { type: 'connector', connector: 'erp', aspects: TEMPLATE_ASPECTS }, schedule: false } };

  beforeAll(async () => {
    const customInbox = inboxWith();
    rewriteSnapshot(customInbox);
    standard = await startSyncHarness({ connectors: { erp: { type: 'flat-file', folder: inboxWith(SNAPSHOT), referenceData } }, flows });
    custom = await startSyncHarness({
      connectors: {
        erp: {
          type: 'flat-file',
          folder: customInbox,
          referenceData,
          delimiter: ';',
          columns: { customer_code: 'Kundennummer', 'warehouse_code_%': 'Lager %' },
          nullMarkers: ['null'],
          booleans: { true: ['Ja'], false: ['Nein'] },
        },
      },
      flows,
    });
  });
  afterAll(async () => {
    await standard?.close();
    await custom?.close();
  });

  it('syncs to exactly the customers the standard file gives', async () => {
    const expected = await standard.run('erp');
    const report = await custom.run('erp');
    expect(report.steps[0]!.rejected).toBe(0);
    expect(report.steps[0]!.inputDetails[0]!.warnings).toEqual([]);
    expect(report.totals).toEqual(expected.totals);
    expect(await customerContent(custom.db)).toEqual(await customerContent(standard.db));
  });
});
