import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_ASPECTS } from '../../src/connectors/flat-file/template-aspects.js';
import type { RunReport } from '../../src/domain/run-types.js';
import { dumpCustomerTables, type TableRows } from '../support/db-state.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { FUZZ_TIMEOUT_MS, fuzzRuns, lineMutationArb, mutateLine } from './fuzz-settings.js';

const [HEADER, ...ROWS] = readFileSync(join(SHARED_DATA, SNAPSHOT), 'utf8').split('\n').filter((l) => l !== '');
const CITY = 41;

/** The rows of every customer table that belong to the given customers. */
const rowsOf = (state: TableRows, ids: Set<string>): TableRows =>
  Object.fromEntries(Object.entries(state).map(([table, rows]) => [table, rows.filter((r) => ids.has(String(r.customer_id ?? r.id)))]));

describe('fuzzing whole runs: a customer with a rejected row is never changed', () => {
  let h: SyncHarness;
  let inbox: string;
  let fileNo = 0;

  beforeAll(async () => {
    inbox = inboxWith(SNAPSHOT);
    h = await startSyncHarness({
      connectors: { erp: { type: 'flat-file', folder: inbox, referenceData: join(SHARED_DATA, 'reference-data.json') } },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: TEMPLATE_ASPECTS }, schedule: false } },
    });
    expect((await h.run('erp')).status).toBe('completed');
  });
  afterAll(async () => h?.close());

  /** A delta from the snapshot's rows: some get a new billing city, some are mutated. */
  const deltaArb = fc.array(
    fc.record({ row: fc.nat({ max: ROWS.length - 1 }), city: fc.constantFrom('', 'Albany', 'Malmö', 'Kyoto'), mutations: fc.array(lineMutationArb, { maxLength: 1 }) }),
    { minLength: 1, maxLength: 8 },
  );

  it('leaves every customer with a rejected row as it was, applies the others, and never retries', async () => {
    await fc.assert(
      fc.asyncProperty(deltaArb, async (rows) => {
        const lines = rows.map(({ row, city, mutations }) => {
          const fields = ROWS[row]!.split('|');
          if (city && fields[25] === 'B') fields[CITY] = city;
          return mutations.reduce<Buffer>((l, m) => mutateLine(l.toString('utf8'), m, '|'), Buffer.from(fields.join('|')));
        });
        const name = `customer_20261102T${String(++fileNo).padStart(6, '0')}_delta.txt`;
        writeFileSync(join(inbox, name), Buffer.concat([Buffer.from(`${HEADER}\n`), ...lines.flatMap((l) => [l, Buffer.from('\n')])]));
        utimesSync(join(inbox, name), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
        const before = await dumpCustomerTables(h.db);

        const handle = await h.start('erp', { inputs: [name] });
        const report = await handle.result().catch((error: unknown) => error);
        const history = await handle.fetchHistory();
        const attempts = (history.events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 1);
        expect(Math.max(...attempts), 'no activity is retried').toBe(1);

        if (report instanceof WorkflowFailedError) {
          // A file the reader cannot go on with fails the run: then nothing at all was written.
          expect(await dumpCustomerTables(h.db)).toEqual(before);
          return;
        }
        const { withheld, status } = report as RunReport;
        expect(status).toBe('completed');
        const withheldIds = await h.db.db
          .selectFrom('external_ids')
          .select('customer_id')
          .where('connector', '=', 'erp')
          .where('external_id', 'in', withheld.sample.length > 0 ? withheld.sample.map((w) => w.externalId) : ['-'])
          .execute();
        const ids = new Set(withheldIds.map((w) => w.customer_id));
        expect(rowsOf(await dumpCustomerTables(h.db), ids)).toEqual(rowsOf(before, ids));
      }),
      fuzzRuns(6, 0.005),
    );
  }, FUZZ_TIMEOUT_MS);
});
