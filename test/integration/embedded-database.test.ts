import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../src/db/open-database.js';
import { startPgliteServer, type PgliteServer } from '../../src/db/pglite-server.js';
import { dumpCustomerTables } from '../support/db-state.js';
import { DELTA, dropInto, inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

describe('the embedded database (PGlite over the Postgres wire protocol)', () => {
  let server: PgliteServer;
  let database: OpenedDatabase;
  let h: SyncHarness;
  let inbox: string;

  beforeAll(async () => {
    server = await startPgliteServer({ dataDir: 'memory://', port: 0 });
    database = await openDatabase({ env: { DATABASE_URL: server.url }, max: 4 });
    h = await startSyncHarness(
      {
        connectors: {
          erp: { type: 'flat-file', folder: (inbox = inboxWith(SNAPSHOT)), referenceData: join(SHARED_DATA, 'reference-data.json') },
        },
        flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses', 'customerAttributes'] } } },
      },
      { database },
    );
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
    await server?.stop();
  });

  it('runs the same migrations and syncs the snapshot, the delta and a re-run through the same code', async () => {
    expect(database.pool.options.max).toBe(1);
    const snapshot = await h.run('erp');
    expect(snapshot.totals).toMatchObject({ customers: 4, created: 4 });
    dropInto(inbox, DELTA);
    const delta = await h.run('erp');
    expect(delta.totals).toMatchObject({ created: 1, updated: 1 });
    const before = await dumpCustomerTables(h.db);
    const again = await h.run('erp', { inputs: [DELTA] });
    expect(again.totals).toMatchObject({ customers: 2, unchanged: 2, created: 0, updated: 0 });
    expect(await dumpCustomerTables(h.db)).toEqual(before);
    const names = await h.db.db.selectFrom('customers').select('company_name').orderBy('source_id').execute();
    expect(names.map((n) => n.company_name)).toEqual([
      'Acme Boutique',
      'Nordic Style AB',
      'Tokyo Select K.K.',
      'Smith & Sons "Outfitters"',
      'Windy Peak Outdoor',
    ]);
  });
});
