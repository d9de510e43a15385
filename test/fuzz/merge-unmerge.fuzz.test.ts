import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCustomerWrite, emptyCustomerWrites, writeCustomers } from '../../src/db/repositories/customer-writes.js';
import { contentHash, mergeCustomer } from '../../src/merge/index.js';
import { mergeCustomers, unmergeCustomer } from '../../src/operations/customer-merges.js';
import { CUSTOMER_TABLES } from '../support/db-state.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { flowArb } from '../merge/arbitraries.js';
import { FUZZ_TIMEOUT_MS, fuzzRuns } from './fuzz-settings.js';

/** Source ids of the seeded customers: P1 and P2 are the parents the generated relations name. */
const SOURCE_IDS = ['P1', 'P2', 'C1', 'C2', 'C3', 'C4', 'C5', 'K1'] as const;

/**
 * Every customer table's rows but the write times, sorted: what merging then unmerging must leave
 * as it was. (The pair decisions and match keys a merge leaves are meant to stay.)
 */
async function state(db: TestDatabase): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of CUSTOMER_TABLES) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db.db);
    out[table] = rows.rows
      .map((row) => JSON.parse(JSON.stringify({ ...row, updated_at: undefined, created_at: undefined })) as unknown)
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

describe('merging and unmerging random pairs (fuzz)', () => {
  let db: TestDatabase;
  let ids: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Eight customers from generated flows (all of every aspect, relations naming P1 or P2); K1 a person.
    const flows = fc.sample(flowArb, { numRuns: SOURCE_IDS.length, seed: 7 });
    const writes = emptyCustomerWrites();
    ids = SOURCE_IDS.map((sourceId, i) => {
      const id = `00000000-0000-4000-8000-00000000000${i}`;
      const steps = flows[i]!.map((s) => ({ ...s, ...(s.record && { record: { ...s.record, externalId: sourceId, ...(s.record.type && { type: sourceId === 'K1' ? ('PERSON' as const) : s.record.type }) } }) }));
      const merged = mergeCustomer(undefined, steps, 'seed');
      addCustomerWrite(writes, id, merged, { sourceConnector: 'src', sourceId, contentHash: contentHash(merged), inputHash: null, runId: 'seed', createdRunId: 'seed' });
      writes.externalIds.push({ connector: 'src', external_id: sourceId, customer_id: id, run_id: 'seed' }, { connector: 'crm', external_id: `crm-${sourceId}`, customer_id: id, run_id: 'seed' });
      writes.changes.push({ run_id: 'seed', customer_id: id, change: 'created', diff: [] });
      return id;
    });
    await db.db.transaction().execute((trx) => writeCustomers(trx, writes));
  });
  afterAll(async () => db?.drop());

  it(
    'restores every customer table exactly; refuses a customer with itself and a person with a company, changing nothing',
    async () => {
      const initial = await state(db);
      const pair = fc.tuple(fc.nat(SOURCE_IDS.length - 1), fc.nat(SOURCE_IDS.length - 1));
      await fc.assert(
        fc.asyncProperty(fc.array(pair, { minLength: 1, maxLength: 3 }), async (pairs) => {
          const done: string[] = [];
          for (const [s, m] of pairs) {
            const before = await state(db);
            const refusal = s === m ? /with itself/ : SOURCE_IDS[s] === 'K1' || SOURCE_IDS[m] === 'K1' ? /never merged with a company/ : undefined;
            const outcome = await mergeCustomers(db, ids[s]!, ids[m]!, { by: 'fuzz' }).catch((error: Error) => error);
            if (outcome instanceof Error) {
              // Expected refusals, or a customer merged away already in this sequence.
              if (refusal) expect(outcome.message).toMatch(refusal);
              else expect(outcome.message).toMatch(/merged into customer .* already/);
              expect(await state(db)).toEqual(before);
            } else {
              expect(refusal).toBeUndefined();
              done.push(outcome.mergeId);
            }
          }
          for (const mergeId of done.reverse()) await unmergeCustomer(db, mergeId, { by: 'fuzz' });
          expect(await state(db)).toEqual(initial);
          // Every pair merged was undone: kept apart from now on, none still merged.
          const merged = await db.db.selectFrom('duplicate_candidates').select('id').where('status', '=', 'merged').execute();
          expect(merged).toEqual([]);
        }),
        fuzzRuns(40),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
