import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custsync } from '../support/run-cli.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

describe('PostgreSQL over TLS', () => {
  let ca: TestCa;
  let otherCa: TestCa;
  let secured: PrivatePostgres;
  let plain: PrivatePostgres;

  beforeAll(async () => {
    [ca, otherCa] = await Promise.all([makeTestCa('database CA'), makeTestCa('another CA')]);
    [secured, plain] = await Promise.all([startPrivatePostgres({ tls: await ca.issue('postgres', { names: ['localhost'] }) }), startPrivatePostgres()]);
  });
  afterAll(async () => {
    await secured?.stop();
    await plain?.stop();
  });

  it('migrates over sslmode=verify-full with the server’s CA, and the session is encrypted', async () => {
    const url = `${secured.url}?sslmode=verify-full&sslrootcert=${ca.caCert}`;
    const migrated = await custsync(['db', 'migrate'], { DATABASE_URL: url });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/^applied: 0001/);
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url.replace('127.0.0.1', 'localhost') });
    await client.connect();
    try {
      expect((await client.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()')).rows[0]!.ssl).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('refuses a server its CA did not sign, a server without TLS, and a missing CA file, saying what to fix', async () => {
    const [wrongCa, noTls, missing] = await Promise.all([
      custsync(['db', 'migrate'], { DATABASE_URL: `${secured.url}?sslmode=verify-full&sslrootcert=${otherCa.caCert}` }),
      custsync(['db', 'migrate'], { DATABASE_URL: `${plain.url}?sslmode=verify-full&sslrootcert=${ca.caCert}` }),
      custsync(['db', 'migrate'], { DATABASE_URL: `${secured.url}?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem` }),
    ]);
    for (const answer of [wrongCa, noTls, missing]) expect(answer.code).toBe(1);
    expect(wrongCa.stderr).toContain("the server's certificate is not signed by a CA this client trusts: add sslrootcert=<the CA's PEM file> to DATABASE_URL");
    expect(noTls.stderr).toContain('the server does not accept TLS');
    expect(missing.stderr).toContain('a file named by sslrootcert, sslcert or sslkey in DATABASE_URL does not exist');
  });
});
