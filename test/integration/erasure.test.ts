import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { request as playwrightRequest } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveApiTokens } from '../../src/server/api-tokens.js';
import { hashPassword } from '../../src/server/console/password-hash.js';
import { startLocalOms, type LocalOms } from '../../src/tooling/local-oms.js';
import { csrfIn, startConsoleServer } from '../support/console-server.js';
import { pushesSettled } from '../support/push-settled.js';
import { custsync, writeConfig } from '../support/run-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKEN = 'erasure-admin-token';
const PASSWORD = 'adam-admins-789';
/** What identifies each person: none of it may be left anywhere once they are erased. */
const PEOPLE = {
  ingrid: { code: 'E-1', firstName: 'Ingrid', lastName: 'Zyxwvutson', email: 'ingrid.zyxwvutson@example.no', phone: '+47 912 34 567' },
  bjorn: { code: 'E-2', firstName: 'Bjørn', lastName: 'Qwertyberg', email: 'bjorn.qwertyberg@example.no', phone: '+47 913 45 678' },
  sigrid: { code: 'E-3', firstName: 'Sigrid', lastName: 'Plokmijnuhb', email: 'sigrid.plokmijnuhb@example.no', phone: '+47 914 56 789' },
};
type Person = (typeof PEOPLE)[keyof typeof PEOPLE];
const recordOf = (p: Person, lastName = p.lastName) => ({
  externalId: p.code,
  type: 'PERSON',
  name: { firstName: p.firstName, lastName },
  customerContactDetails: [
    { kind: 'email', value: p.email },
    { kind: 'phone', value: p.phone },
  ],
});

describe('erasing a customer', () => {
  let h: SyncHarness;
  let oms: LocalOms;
  let server: FastifyInstance;
  let base: string;
  let file: string;
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  /** Every text and JSON value in every table that holds one of the person's names, email or phone. */
  const traces = async (p: Person) => {
    const columns = await sql<{ table_name: string; column_name: string }>`select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'jsonb', 'json', 'character varying') and table_name not like 'kysely_%'`.execute(h.db.db);
    const found: string[] = [];
    for (const { table_name, column_name } of columns.rows) {
      for (const needle of [p.lastName, p.email, p.phone, p.phone.replace(/\s/g, '')]) {
        const hits = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)} where ${sql.ref(column_name)}::text ilike ${`%${needle}%`}`.execute(h.db.db);
        if (hits.rows[0]!.n > 0) found.push(`${table_name}.${column_name} holds ${needle}`);
      }
    }
    return found;
  };

  beforeAll(async () => {
    oms = await startLocalOms();
    file = join(mkdtempSync(join(tmpdir(), 'custsync-erasure-')), 'people.jsonl');
    writeFileSync(file, `${Object.values(PEOPLE).map((p) => JSON.stringify(recordOf(p))).join('\n')}\n`);
    h = await startSyncHarness({
      connectors: {
        people: { type: 'jsonl-file', path: file },
        oms: { type: 'oms', baseUrl: oms.baseUrl, marketGroupId: 'MG-NO', tenantCountry: 'NO' },
      },
      flows: { people: { source: { type: 'connector', connector: 'people', aspects: ['name', 'customerContactDetails'] }, schedule: false, pushTo: ['oms'], maxRejectedPercent: 60 } },
      push: { coalesce: '100ms', idle: '1s', maxAttempts: 2 },
      api: { rateLimit: 100_000, tokens: { admin: { system: 'people', scopes: ['read', 'write', 'admin'], sha256: sha256(TOKEN) } } },
      console: { loginRateLimit: 50, users: { adam: { role: 'admin', passwordHash: await hashPassword(PASSWORD) } } },
    });
    ({ app: server, url: base } = await startConsoleServer(h, { tokens: resolveApiTokens(h.config.api, {}) }));
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
    await oms?.close();
  });

  it('leaves none of a person’s data anywhere after DELETE ?permanent=true, the CLI or the console, only an audit entry without it', async () => {
    // Each person through every path custsync stores data by.
    expect((await h.run('people')).totals).toMatchObject({ created: 3 });
    // A bad row for each: rejected (the customer left as it was), its raw line kept for the data team.
    const bad = (p: Person) => `{"externalId": "${p.code}", "type": "ROBOT", "name": {"lastName": "${p.lastName}"}, "note": "${p.email} ${p.phone}"}`;
    writeFileSync(file, `${Object.values(PEOPLE).map((p) => JSON.stringify(recordOf(p))).join('\n')}\n${Object.values(PEOPLE).map(bad).join('\n')}\n`);
    expect((await h.run('people')).totals.rejected).toBe(3);
    const idOf = async (p: Person) => (await h.db.db.selectFrom('customers').select('id').where('source_id', '=', p.code).executeTakeFirstOrThrow()).id;
    const ids = { ingrid: await idOf(PEOPLE.ingrid), bjorn: await idOf(PEOPLE.bjorn), sigrid: await idOf(PEOPLE.sigrid) };
    for (const [name, p] of Object.entries(PEOPLE)) {
      const renamed = await api('PATCH', `/customers/${ids[name as keyof typeof ids]}`, { name: { lastName: `${p.lastName}-Lund` } }, { 'idempotency-key': `rename-${name}` });
      expect(renamed.status).toBe(200);
    }
    const bulk = await api('POST', '/customers/bulk', { records: Object.values(PEOPLE).map((p) => recordOf(p, `${p.lastName}-Bulk`)) });
    expect(bulk.status).toBe(202);
    await h.client.workflow.getHandle(((await bulk.json()) as { runId: string }).runId).result();
    writeFileSync(file, `${Object.values(PEOPLE).map((p) => JSON.stringify(recordOf(p, `${p.lastName}-Dry`))).join('\n')}\n`);
    const dry = await h.start('people', { input: { dryRun: true } });
    await dry.result();
    await pushesSettled(h.db, h.client, 'oms', h.temporal.taskQueue);
    for (const p of Object.values(PEOPLE)) expect((await traces(p)).length, p.code).toBeGreaterThan(3);
    const before = await h.db.db.selectFrom('customers').select('id').execute();

    // Through the API.
    const erased = await api('DELETE', `/customers/${ids.ingrid}?permanent=true`);
    expect(erased.status).toBe(200);
    expect(await traces(PEOPLE.ingrid), (await traces(PEOPLE.ingrid)).join("\n")).toEqual([]);
    const activities = await (await api('GET', `/customers/${ids.ingrid}/activities`)).text();
    expect(activities).toContain('"change":"purged"');
    for (const value of [PEOPLE.ingrid.lastName, PEOPLE.ingrid.email, PEOPLE.ingrid.phone]) expect(activities).not.toContain(value);

    // From the command line.
    const env = { DATABASE_URL: h.db.url, CUSTSYNC_CONFIG: writeConfig('connectors: {}\nflows: {}\n') };
    const cli = await custsync(['customers', 'erase', `people:${PEOPLE.bjorn.code}`, '--json'], env);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ customerId: ids.bjorn });
    expect(await traces(PEOPLE.bjorn)).toEqual([]);

    // In the console, by an admin who confirms with the customer's code.
    const adam = await playwrightRequest.newContext({ baseURL: base, maxRedirects: 0 });
    try {
      expect((await adam.post('/login', { form: { _csrf: await csrfIn(adam, '/login'), name: 'adam', password: PASSWORD } })).status()).toBe(303);
      const page = await adam.get(`/customers/${ids.sigrid}`);
      expect(await page.text()).toContain('Erase this customer');
      const unconfirmed = await adam.post('/customers/erase', { form: { _csrf: await csrfIn(adam, `/customers/${ids.sigrid}`), id: ids.sigrid, code: PEOPLE.sigrid.code, confirm: 'yes' }, headers: { accept: 'text/html' } });
      expect(unconfirmed.status()).toBe(422);
      expect((await traces(PEOPLE.sigrid)).length).toBeGreaterThan(0);
      const confirmed = await adam.post('/customers/erase', { form: { _csrf: await csrfIn(adam, `/customers/${ids.sigrid}`), id: ids.sigrid, code: PEOPLE.sigrid.code, confirm: PEOPLE.sigrid.code } });
      expect(confirmed.status()).toBe(303);
    } finally {
      await adam.dispose();
    }
    expect(await traces(PEOPLE.sigrid)).toEqual([]);

    const audit = await h.db.db.selectFrom('customer_erasures').select(['customer_id', 'source_id_sha256', 'erased_by']).orderBy('id').execute();
    expect(audit).toEqual([
      { customer_id: ids.ingrid, source_id_sha256: sha256(PEOPLE.ingrid.code), erased_by: 'token:admin' },
      { customer_id: ids.bjorn, source_id_sha256: sha256(PEOPLE.bjorn.code), erased_by: expect.stringMatching(/^cli:/) as unknown },
      { customer_id: ids.sigrid, source_id_sha256: sha256(PEOPLE.sigrid.code), erased_by: 'user:adam' },
    ]);
    expect(await h.db.db.selectFrom('customers').select('id').execute()).toHaveLength(before.length - 3);
  });
});
