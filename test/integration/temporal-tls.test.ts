import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/tooling/free-port.js';
import { custsync, startCustsync, writeConfig } from '../support/run-cli.js';
import { makeTestCa, type IssuedCertificate, type TestCa } from '../support/test-ca.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTlsGrpcProxy, type TlsGrpcProxy } from '../support/tls-grpc-proxy.js';

const company = (id: string) => JSON.stringify({ externalId: id, type: 'COMPANY', name: { companyName: `Company ${id}` } });
const API_KEY = `temporal-api-key-${randomBytes(6).toString('hex')}`;

describe('Temporal over TLS and mTLS, as Temporal’s own tools connect', () => {
  let ca: TestCa;
  let otherCa: TestCa;
  let client: IssuedCertificate;
  let stranger: IssuedCertificate;
  let tlsProxy: TlsGrpcProxy;
  let mtlsProxy: TlsGrpcProxy;
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    [ca, otherCa] = await Promise.all([makeTestCa(), makeTestCa('another CA')]);
    const server = await ca.issue('temporal-frontend');
    client = await ca.issue('custsync-worker', { client: true });
    stranger = await otherCa.issue('stranger', { client: true });
    tlsProxy = await startTlsGrpcProxy(inject('temporalAddress'), server);
    mtlsProxy = await startTlsGrpcProxy(inject('temporalAddress'), server, { clientCa: ca.caCert });
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'custsync-tls-'));
    writeFileSync(join(dir, 'shop.jsonl'), `${['T1', 'T2'].map(company).join('\n')}\n`);
    env = {
      DATABASE_URL: db.url,
      CUSTSYNC_TASK_QUEUE: `tls-${randomBytes(4).toString('hex')}`,
      CUSTSYNC_CONFIG: writeConfig(
        JSON.stringify({
          connectors: { shop: { type: 'jsonl-file', path: join(dir, 'shop.jsonl') } },
          flows: { shop: { source: { type: 'connector', connector: 'shop', aspects: ['name'] }, schedule: false } },
        }),
      ),
    };
  });
  afterAll(async () => {
    await tlsProxy?.close();
    await mtlsProxy?.close();
    await db?.drop();
  });

  const mtls = (cert: IssuedCertificate | undefined): NodeJS.ProcessEnv => ({
    ...env,
    TEMPORAL_ADDRESS: mtlsProxy.address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca.caCert,
    ...(cert ? { TEMPORAL_TLS_CLIENT_CERT_PATH: cert.cert, TEMPORAL_TLS_CLIENT_KEY_PATH: cert.key } : {}),
  });

  it('runs a flow with the worker and the CLI both behind mTLS, and serves readiness through it', { timeout: 180_000 }, async () => {
    const worker = startCustsync(['worker'], mtls(client));
    try {
      await expect.poll(() => worker.stderr(), { timeout: 60_000, interval: 200 }).toContain('worker polling task queue');
      const run = await custsync(['run', 'shop', '--json'], mtls(client));
      expect(run.stderr).not.toMatch(/warning|error/i);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', totals: { created: 2 } });
    } finally {
      worker.kill();
      await worker.done;
    }
    const port = await freePort();
    const serve = startCustsync(['serve', '--port', String(port)], { ...mtls(client), CUSTSYNC_SESSION_KEY: 'ab'.repeat(32) });
    try {
      await expect
        .poll(async (): Promise<unknown> => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.json()).catch(() => undefined), { timeout: 60_000, interval: 200 })
        .toEqual({ ready: true, checks: { database: 'ok', temporal: 'ok' } });
    } finally {
      serve.kill();
      await serve.done;
    }
  });

  it('connects with server TLS and an API key, which never appears in any output', async () => {
    const listed = await custsync(['schedules', 'list', '--json'], { ...env, TEMPORAL_ADDRESS: tlsProxy.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca.caCert, TEMPORAL_API_KEY: API_KEY });
    expect(listed.code, listed.stderr).toBe(0);
    const refused = await custsync(['schedules', 'list'], { ...env, TEMPORAL_ADDRESS: tlsProxy.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: otherCa.caCert, TEMPORAL_API_KEY: API_KEY });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('TEMPORAL_TLS_SERVER_CA_CERT_PATH');
    expect(refused.stderr).toContain('TLS, API key');
    for (const output of [listed.stdout, listed.stderr, refused.stdout, refused.stderr]) expect(output).not.toContain(API_KEY);
  });

  it('refuses a missing or untrusted client certificate, and an untrusted server, naming the setting to fix', async () => {
    const [noCert, wrongCert, plaintext, missingFile] = await Promise.all([
      custsync(['schedules', 'list'], mtls(undefined)),
      custsync(['schedules', 'list'], mtls(stranger)),
      custsync(['schedules', 'list'], { ...env, TEMPORAL_ADDRESS: tlsProxy.address }),
      custsync(['schedules', 'list'], { ...mtls(client), TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'no-such.key') }),
    ]);
    expect(noCert.code).toBe(1);
    expect(noCert.stderr).toMatch(/requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/);
    expect(wrongCert.code).toBe(1);
    expect(wrongCert.stderr).toMatch(/refused the client certificate in TEMPORAL_TLS_CLIENT_CERT_PATH/);
    expect(plaintext.stderr).toMatch(/the server speaks TLS: set TEMPORAL_TLS=true/);
    expect(missingFile.stderr).toContain(`TEMPORAL_TLS_CLIENT_KEY_PATH: no file ${join(dir, 'no-such.key')}`);
    expect(mtlsProxy.refused).toBeGreaterThanOrEqual(2);
  });

  it('reads a profile of Temporal’s TOML client config, chosen with --profile', async () => {
    const toml = join(dir, 'temporal.toml');
    writeFileSync(
      toml,
      [
        '[profile.secure]',
        `address = "${mtlsProxy.address}"`,
        '[profile.secure.tls]',
        `server_ca_cert_path = "${ca.caCert}"`,
        `client_cert_path = "${client.cert}"`,
        `client_key_path = "${client.key}"`,
        '',
      ].join('\n'),
    );
    const withProfile = await custsync(['--profile', 'secure', 'schedules', 'list', '--json'], { ...env, TEMPORAL_CONFIG_FILE: toml });
    expect(withProfile.code, withProfile.stderr).toBe(0);
    const unknown = await custsync(['--profile', 'nope', 'schedules', 'list'], { ...env, TEMPORAL_CONFIG_FILE: toml });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`Temporal client config (${toml}, profile nope): Profile 'nope' not found`);
  });
});
