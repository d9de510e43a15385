import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const CUSTOMERS = 30;
const REFUSED = 'R017';

/** A value the database refuses (an index row too large, say) fails only its own customer, never the chunk or the run. */
describe('a customer the database refuses to store', () => {
  let h: SyncHarness;

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'custsync-refused-')), 'people.jsonl');
    const code = (n: number) => `R${String(n).padStart(3, '0')}`;
    writeFileSync(
      file,
      Array.from({ length: CUSTOMERS }, (_, i) => JSON.stringify({ externalId: code(i + 1), type: 'PERSON', name: { firstName: `Person ${i + 1}` } })).join('\n') + '\n',
    );
    h = await startSyncHarness({
      connectors: { people: { type: 'jsonl-file', path: file } },
      flows: { people: { source: { type: 'connector', connector: 'people', aspects: ['name'] }, chunkSize: 10, schedule: false } },
    });
    // As PostgreSQL refuses an index row over its size limit: SQLSTATE 54000, the same on every attempt.
    await sql`create function refuse_one() returns trigger language plpgsql as $$
      begin
        if new.source_id = ${sql.lit(REFUSED)} then
          raise exception 'index row size 3100 exceeds btree version 4 maximum 2704' using errcode = 'program_limit_exceeded';
        end if;
        return new;
      end $$`.execute(h.db.db);
    await sql`create trigger refuse_one before insert on customers for each row execute function refuse_one()`.execute(h.db.db);
  });
  afterAll(async () => h?.close());

  it('rejects that customer with the database’s reason and writes every other one of its chunk and run', async () => {
    const report = await h.run('people');
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ customers: CUSTOMERS, created: CUSTOMERS - 1, rejected: 1 });
    const stored = await h.db.db.selectFrom('customers').select('source_id').orderBy('source_id').execute();
    expect(stored).toHaveLength(CUSTOMERS - 1);
    expect(stored.map((c) => c.source_id)).not.toContain(REFUSED);
    const rejects = await h.db.db.selectFrom('rejected_records').select(['external_id', 'reason']).where('run_id', '=', report.runId).execute();
    expect(rejects).toEqual([{ external_id: REFUSED, reason: expect.stringMatching(/database refused a value of this customer: index row size 3100 .*SQLSTATE 54000/) as unknown }]);
    const logged = await h.db.db.selectFrom('change_log').select('customer_id').where('run_id', '=', report.runId).execute();
    expect(logged).toHaveLength(CUSTOMERS - 1);

    // Once the database takes it, the next run creates it; the others are unchanged.
    await sql`drop trigger refuse_one on customers`.execute(h.db.db);
    const next = await h.run('people');
    expect(next.totals).toMatchObject({ created: 1, unchanged: CUSTOMERS - 1, rejected: 0 });
  });
});
