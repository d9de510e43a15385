import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { APIRequestContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfIn, postDecision, reviewersSignedInWith, signedInContext, startConsoleServer } from '../support/console-server.js';
import { custsync, writeConfig } from '../support/run-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const PASSWORDS = { ana: 'ana-reviews-123', bob: 'bob-reviews-456' };
const company = (id: string) => JSON.stringify({ externalId: id, type: 'COMPANY', name: { companyName: `Company ${id}` } });

describe('one decision per held customer, whoever sends it', () => {
  let h: SyncHarness;
  let server: FastifyInstance;
  let base: string;
  let env: NodeJS.ProcessEnv;
  const people: Partial<Record<keyof typeof PASSWORDS, APIRequestContext>> = {};

  const signIn = (name: keyof typeof PASSWORDS) => signedInContext(base, name, PASSWORDS[name]);
  /** A decision sent from the console's page, as its form sends it. */
  const decideInConsole = (who: keyof typeof PASSWORDS, code: string, decision: 'approve' | 'reject', csrf: string) => postDecision(people[who]!, '/review/decide', { _csrf: csrf, item: `shop:${code}`, decision });
  const heldRow = (code: string) =>
    h.db.db.selectFrom('pending_customers').select(['status', 'decided_by']).where('flow', '=', 'shop').where('source_id', '=', code).executeTakeFirstOrThrow();
  const customersWith = async (code: string) =>
    (await h.db.db.selectFrom('customers').select('id').where('source_id', '=', code).execute()).length;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custsync-review-decisions-'));
    writeFileSync(join(dir, 'shop.jsonl'), `${['R1', 'R2', 'R3'].map(company).join('\n')}\n`);
    const config = {
      connectors: { shop: { type: 'jsonl-file', path: join(dir, 'shop.jsonl') } },
      flows: { shop: { source: { type: 'connector', connector: 'shop', aspects: ['name'] }, reviewNewCustomers: true, schedule: false } },
      console: await reviewersSignedInWith(PASSWORDS),
    };
    h = await startSyncHarness(config);
    expect((await h.run('shop')).totals).toMatchObject({ created: 0, held: 3 });
    ({ app: server, url: base } = await startConsoleServer(h, { sessionKeyByte: 11 }));
    people.ana = await signIn('ana');
    people.bob = await signIn('bob');
    env = { DATABASE_URL: h.db.url, CUSTSYNC_CONFIG: writeConfig(JSON.stringify({ connectors: config.connectors, flows: config.flows })) };
  });
  afterAll(async () => {
    for (const context of Object.values(people)) await context?.dispose();
    await server?.close();
    await h?.close();
  });

  it('takes the first of two console decisions sent at once and refuses the other, naming who decided', async () => {
    const [anaCsrf, bobCsrf] = await Promise.all([csrfIn(people.ana!, '/review'), csrfIn(people.bob!, '/review')]);
    const answers = await Promise.all([decideInConsole('ana', 'R1', 'approve', anaCsrf), decideInConsole('bob', 'R1', 'reject', bobCsrf)]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 409]);
    const winner = answers[0].status === 303 ? { who: 'ana', status: 'approved' } : { who: 'bob', status: 'rejected' };
    expect(answers.find((a) => a.status === 409)!.text).toContain(`R1 was already ${winner.status} by user:${winner.who} at`);
    expect(await heldRow('R1')).toEqual({ status: winner.status, decided_by: `user:${winner.who}` });
    expect(await customersWith('R1')).toBe(winner.status === 'approved' ? 1 : 0);
  });

  it('takes the first of a console and a CLI decision sent at once', async () => {
    const csrf = await csrfIn(people.ana!, '/review');
    const [fromConsole, fromCli] = await Promise.all([decideInConsole('ana', 'R2', 'reject', csrf), custsync(['review', 'approve', 'R2', '--flow', 'shop'], env)]);
    expect([fromConsole.status === 303, fromCli.code === 0].filter(Boolean)).toHaveLength(1);
    const consoleWon = fromConsole.status === 303;
    if (consoleWon) expect(fromCli.stderr).toMatch(/nothing was changed: R2 was already rejected by user:ana at/);
    else expect(fromConsole.text).toMatch(/R2 was already approved by cli:\S+ at/);
    expect((await heldRow('R2')).status).toBe(consoleWon ? 'rejected' : 'approved');
    expect(await customersWith('R2')).toBe(consoleWon ? 0 : 1);
  });

  it('refuses a decision on a customer already decided and leaves the page listing it as decided', async () => {
    expect((await decideInConsole('bob', 'R3', 'approve', await csrfIn(people.bob!, '/review'))).status).toBe(303);
    const again = await decideInConsole('ana', 'R3', 'reject', await csrfIn(people.ana!, '/review'));
    expect(again.status).toBe(409);
    expect(again.text).toContain('R3 was already approved by user:bob at');
    expect(await customersWith('R3')).toBe(1);
    const page = await (await people.ana!.get('/review')).text();
    expect(page).not.toContain('value="shop:R3"');
  });
});
