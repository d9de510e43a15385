import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyLine } from '../../src/db/copy-rows.js';
import { copyTransactions } from '../../src/db/copy-transaction.js';
import { isDataException } from '../../src/db/data-exception.js';
import { insertJsonRows, type ColumnSpec } from '../../src/db/json-rows.js';
import { JsonText } from '../../src/db/json-text.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const COLUMNS: ColumnSpec = { id: 'int', label: 'text', value: 'jsonb', note: 'text' };

/** Values a source can send that COPY's text format must escape or tell apart. */
const AWKWARD_ROWS: Record<string, unknown>[] = [
  { id: 1, label: 'tab\there, newline\nthere, return\rback', value: { nested: ['a\tb', 'c\\d'], n: 1.5 }, note: null },
  { id: 2, label: '\\N', value: '\\N', note: 'a literal backslash-N is text, not null' },
  { id: 3, label: 'back\\slash and "quotes"', value: 'a jsonb string', note: '' },
  { id: 4, label: 'Åse Ødegård – 東京 🚀', value: null, note: undefined },
  { id: 5, label: 'ends with a backslash\\', value: [1, 'two', { three: true }], note: 42 },
  { id: 6, label: 'json text as it is', value: new JsonText('{"kept": "as \\"written\\"\\n", "b": [1, 2]}'), note: 'x' },
];

describe('rows written with COPY', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const table of ['by_copy', 'by_json']) {
      await sql`create table ${sql.table(table)} (id int primary key, label text, value jsonb, note text)`.execute(db.db);
    }
  });
  afterAll(async () => db?.drop());

  const rowsOf = async (table: string) => (await sql<{ id: number; label: string | null; value: unknown; note: string | null }>`select * from ${sql.table(table)} order by id`.execute(db.db)).rows;

  it('reads back exactly as the same rows inserted as JSON', async () => {
    await copyTransactions(db)(async (trx, copy) => {
      expect(copy).toBeDefined();
      await copy!('by_copy', COLUMNS, AWKWARD_ROWS);
    });
    await insertJsonRows(db.db, 'by_json', COLUMNS, AWKWARD_ROWS);
    const copied = await rowsOf('by_copy');
    expect(copied).toHaveLength(AWKWARD_ROWS.length);
    expect(copied).toEqual(await rowsOf('by_json'));
    expect(copied[1]).toMatchObject({ label: '\\N', value: '\\N' });
    expect(copied[3]).toMatchObject({ value: null, note: null });
  });

  it('writes nothing when the transaction fails after the COPY, and gives its connection back', async () => {
    await expect(
      copyTransactions(db)(async (trx, copy) => {
        await copy!('by_copy', COLUMNS, [{ id: 100, label: 'rolled back', value: null, note: null }]);
        await sql`select 1 / 0`.execute(trx);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    expect((await rowsOf('by_copy')).map((r) => r.id)).not.toContain(100);
    await expect.poll(() => db.pool.idleCount).toBe(db.pool.totalCount);
  });

  it('refuses text PostgreSQL cannot hold as a data exception, writing nothing', async () => {
    const attempt = copyTransactions(db)(async (trx, copy) => {
      await copy!('by_copy', COLUMNS, [
        { id: 200, label: 'fine', value: null, note: null },
        { id: 201, label: 'nul \u0000 inside', value: null, note: null },
      ]);
    });
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDataException(error)).toBe(true);
    expect((await rowsOf('by_copy')).map((r) => r.id)).not.toContain(200);
  });

  it('refuses half a surrogate pair instead of writing U+FFFD, and the connection stays usable', async () => {
    expect(() => copyLine({ id: 1, label: 'half \ud83d pair' }, { id: 'int', label: 'text' })).toThrow(/surrogate/);
    const attempt = copyTransactions(db)(async (trx, copy) => {
      await copy!('by_copy', COLUMNS, [{ id: 300, label: 'half \udc00 pair', value: null, note: null }]);
    });
    await expect(attempt).rejects.toMatchObject({ code: '22021' });
    expect(isDataException(await attempt.catch((e: unknown) => e))).toBe(true);
    await copyTransactions(db)(async (trx, copy) => {
      await copy!('by_copy', COLUMNS, [{ id: 301, label: 'whole 🚀 pair', value: null, note: null }]);
    });
    expect((await rowsOf('by_copy')).map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 301]);
  });
});
