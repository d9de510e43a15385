import { sql, type KyselyPlugin, type PluginTransformResultArgs, type QueryResult, type UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimIdempotencyKey, releaseIdempotencyKey, storeIdempotentAnswer } from '../../src/db/repositories/idempotent-requests.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Runs `between` once, right after the first claim that finds the key taken: the moment a first
 * request sent beside this one can fail and give its claim up.
 */
class AfterTakenClaim implements KyselyPlugin {
  private done = false;
  constructor(private readonly between: () => Promise<void>) {}
  transformQuery: KyselyPlugin['transformQuery'] = (args) => args.node;
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (!this.done && args.result.rows.length === 0) {
      this.done = true;
      await this.between();
    }
    return args.result;
  }
}

describe('idempotency keys claimed by requests sent at once', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('claims the key when the first request gives it up between the claim and the look at it', async () => {
    expect(await claimIdempotencyKey(database.db, 'token', 'k1', 'first')).toBeUndefined();
    const racing = database.db.withPlugin(new AfterTakenClaim(() => releaseIdempotencyKey(database.db, 'token', 'k1')));
    expect(await claimIdempotencyKey(racing, 'token', 'k1', 'second')).toBeUndefined();
    const { rows } = await sql<{ request_hash: string }>`select request_hash from idempotent_requests where key = 'k1'`.execute(database.db);
    expect(rows).toEqual([{ request_hash: 'second' }]);
  });

  it('answers with what the first stored, or that it is still being answered', async () => {
    expect(await claimIdempotencyKey(database.db, 'token', 'k2', 'first')).toBeUndefined();
    expect(await claimIdempotencyKey(database.db, 'token', 'k2', 'first')).toEqual({ requestHash: 'first' });
    await storeIdempotentAnswer(database.db, 'token', 'k2', { status: 201, headers: { location: '/x' }, body: { ok: true } });
    expect(await claimIdempotencyKey(database.db, 'token', 'k2', 'other')).toEqual({ requestHash: 'first', answer: { status: 201, headers: { location: '/x' }, body: { ok: true } } });
  });
});
