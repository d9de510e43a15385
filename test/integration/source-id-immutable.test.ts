import { sql } from 'kysely';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpCustomerTables } from '../support/db-state.js';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

describe("a customer's source id", () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({
      connectors: { erp: { type: 'flat-file', folder: inboxWith(SNAPSHOT), referenceData: join(SHARED_DATA, 'reference-data.json') } },
      flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name'] }, schedule: false } },
    });
    await h.run('erp');
  });
  afterAll(async () => h?.close());

  it('is refused by the database when anything tries to change it, and the customer stays as it was', async () => {
    const before = await dumpCustomerTables(h.db);
    const { id } = await h.db.db.selectFrom('customers').select('id').where('source_id', '=', 'C1001').executeTakeFirstOrThrow();
    const error = await sql`update customers set source_id = 'C9999' where id = ${id}`.execute(h.db.db).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error?.code).toBe('23514');
    expect(error?.message).toBe(`source id of customer ${id} is immutable: erp:C1001 cannot become erp:C9999`);
    const moved = await sql`update customers set source_connector = 'crm' where id = ${id}`.execute(h.db.db).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(moved?.message).toMatch(/is immutable: erp:C1001 cannot become crm:C1001$/);
    expect(await dumpCustomerTables(h.db)).toEqual(before);
  });

  it('lets every other change through, and a sync of the same file', async () => {
    await sql`update customers set company_name = company_name, source_id = source_id where source_id = 'C1002'`.execute(h.db.db);
    const again = await h.run('erp', { inputs: [SNAPSHOT] });
    expect(again.status).toBe('completed');
  });
});
