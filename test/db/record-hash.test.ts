import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonbText, newCustomerId, recordHash } from '../../src/merge/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Texts PostgreSQL can store (no NUL, no lone surrogate), with quotes, backslashes, control characters and non-ASCII. */
const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\t', '\u0001', '\u001f', 'é', '東', '😀', ' '), fc.string({ unit: 'binary', maxLength: 1 })) }).filter((s) => !s.includes('\u0000'));
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.integer({ min: -100_000, max: 100_000 }).map((n) => n / 100),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(text, fc.constantFrom('a', 'ab', 'b', 'city', 'externalId'), fc.string({ minLength: 65, maxLength: 70 })), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('record hashes and new customer ids, computed where records are read as PostgreSQL computes them', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('hash the text PostgreSQL prints for the record as jsonb, so hashes staged by the database stay valid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 20 }), async (values) => {
        const { rows } = await sql<{ text: string; hash: string }>`select x::text as text, md5(x::text) as hash
          from jsonb_array_elements(${JSON.stringify(values)}::jsonb) with ordinality as e(x, n) order by n`.execute(db.db);
        expect(values.map((v) => jsonbText(v))).toEqual(rows.map((r) => r.text));
        expect(values.map((v) => recordHash(v))).toEqual(rows.map((r) => r.hash));
      }),
      { numRuns: 200 },
    );
  });

  it('give a new customer the id the source step\'s matching derives in SQL from the run and the external id', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.array(text, { minLength: 1, maxLength: 20 }), async (runId, externalIds) => {
        const { rows } = await sql<{ id: string }>`select md5(${runId} || '/' || x)::uuid::text as id
          from unnest(${externalIds}::text[]) with ordinality as e(x, n) order by n`.execute(db.db);
        expect(externalIds.map((x) => newCustomerId(runId, x))).toEqual(rows.map((r) => r.id));
      }),
      { numRuns: 200 },
    );
  });
});
