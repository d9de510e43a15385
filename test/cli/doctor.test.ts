import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.js';
import { freePort } from '../../src/tooling/free-port.js';
import { custsync, writeConfig } from '../support/run-cli.js';
import { SHARED_DATA } from '../support/sample-data.js';
import { sftpFolder, startSftpServer, type TestSftpServer } from '../support/sftp-server.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

interface Report {
  ok: boolean;
  checks: { check: string; ok: boolean; detail: string; fix?: string; skipped?: boolean }[];
}

describe('custsync doctor', () => {
  let h: SyncHarness;
  let sftp: TestSftpServer;
  let unmigrated: TestDatabase;
  let dir: string;
  let config: Record<string, unknown>;
  const SECRETS = { CUSTSYNC_SESSION_KEY: 'cd'.repeat(32), DOCTOR_SFTP_PASSWORD: '', DOCTOR_API_TOKEN: 'doctor-token-1' };

  const doctor = async (env: NodeJS.ProcessEnv, rawConfig: unknown = config) => {
    const answer = await custsync(['doctor', '--json'], { CUSTSYNC_CONFIG: writeConfig(JSON.stringify(rawConfig)), ...env });
    return { code: answer.code, report: JSON.parse(answer.stdout) as Report, stderr: answer.stderr };
  };
  const byName = (report: Report) => Object.fromEntries(report.checks.map((c) => [c.check, c]));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custsync-doctor-'));
    writeFileSync(join(dir, 'shop.jsonl'), '');
    sftp = await startSftpServer();
    SECRETS.DOCTOR_SFTP_PASSWORD = sftp.password;
    const inbox = await sftpFolder(sftp, 'inbox');
    config = {
      connectors: {
        shop: { type: 'jsonl-file', path: join(dir, 'shop.jsonl') },
        erp: {
          type: 'flat-file',
          folder: inbox,
          referenceData: join(SHARED_DATA, 'reference-data.json'),
          sftp: { host: sftp.host, port: sftp.port, username: sftp.username, passwordEnv: 'DOCTOR_SFTP_PASSWORD', hostKeyFingerprint: sftp.hostKeyFingerprint, downloadFolder: join(dir, 'downloads') },
        },
      },
      flows: {
        shop: { source: { type: 'connector', connector: 'shop', aspects: ['name'] }, schedule: { every: '1h' } },
        erp: { source: { type: 'connector', connector: 'erp', aspects: ['name'] }, schedule: false },
      },
      api: { tokens: { crm: { scopes: ['read'], tokenEnv: 'DOCTOR_API_TOKEN' } } },
    };
    h = await startSyncHarness(config);
    unmigrated = await createTestDatabase();
    const raw = connectDatabase({ url: unmigrated.url, max: 1 });
    await raw.pool.query('drop table custsync_migrations cascade');
    await raw.destroy();
  });
  afterAll(async () => {
    await h?.close();
    await unmigrated?.drop();
    await sftp?.stop();
  });

  const healthy = () => ({ DATABASE_URL: h.db.url, TEMPORAL_ADDRESS: h.temporal.address, CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue, ...SECRETS });

  it('says every check holds for a deployment in order, and exits 0', { timeout: 120_000 }, async () => {
    expect((await custsync(['schedules', 'apply'], { CUSTSYNC_CONFIG: writeConfig(JSON.stringify(config)), ...healthy() })).code).toBe(0);
    const { code, report } = await doctor(healthy());
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks.map((c) => c.check)).toEqual(['config', 'database', 'migrations', 'temporal', 'namespace', 'worker', 'schedules', 'connectors', 'download folders', 'secrets']);
    expect(byName(report).worker!.detail).toContain(`polling task queue ${h.temporal.taskQueue}`);
    expect(code).toBe(0);
    const text = await custsync(['doctor'], { CUSTSYNC_CONFIG: writeConfig(JSON.stringify(config)), ...healthy() });
    expect(text.stdout).toMatch(/^✓ config: .*valid \(2 connectors, 2 flows\)\n✓ database: reachable\n/);
  });

  it('names each problem with its fix: pending migrations, no worker, schedules that differ, a connector and a folder out of reach, unset secrets', { timeout: 120_000 }, async () => {
    const broken = {
      ...config,
      connectors: {
        ...(config.connectors as object),
        erp: { ...(config.connectors as { erp: object }).erp, sftp: { ...(config.connectors as { erp: { sftp: object } }).erp.sftp, port: await freePort(), downloadFolder: join(dir, 'shop.jsonl', 'downloads') } },
      },
      flows: { ...(config.flows as object), erp: { source: { type: 'connector', connector: 'erp', aspects: ['name'] }, schedule: { every: '2h' } } },
    };
    const { code, report } = await doctor(
      { ...healthy(), DATABASE_URL: unmigrated.url, CUSTSYNC_TASK_QUEUE: 'nobody-polls-this', CUSTSYNC_SESSION_KEY: '', DOCTOR_API_TOKEN: '' },
      broken,
    );
    expect(code).toBe(1);
    const checks = byName(report);
    expect(checks.migrations).toMatchObject({ ok: false, fix: 'custsync db migrate' });
    expect(checks.migrations!.detail).toMatch(/^\d+ pending: 0001-initial-schema/);
    expect(checks.worker).toMatchObject({ ok: false, detail: 'no worker polls task queue nobody-polls-this in namespace default: runs would wait' });
    expect(checks.schedules).toMatchObject({ ok: false, fix: 'custsync schedules apply' });
    expect(checks.schedules!.detail).toContain('erp would be created');
    expect(checks.connectors!.ok).toBe(false);
    expect(checks.connectors!.detail).toContain('connectors.erp.sftp');
    expect(checks['download folders']).toMatchObject({ ok: false });
    expect(checks['download folders']!.detail).toContain('connectors.erp.sftp.downloadFolder');
    expect(checks['download folders']!.detail).toContain('not writable');
    expect(checks.secrets!.detail).toContain('CUSTSYNC_SESSION_KEY is not set');
    expect(checks.secrets!.detail).toContain('api.tokens.crm.tokenEnv: environment variable DOCTOR_API_TOKEN is not set');
    for (const ok of ['config', 'database', 'temporal', 'namespace']) expect(checks[ok]!.ok, ok).toBe(true);
  });

  it('reports an invalid config, an unreachable database and Temporal, and a missing namespace, not checking what depends on them', { timeout: 120_000 }, async () => {
    const [invalid, unreachable, noNamespace] = await Promise.all([
      doctor(healthy(), { connectors: {}, flows: { x: { source: { type: 'connector', connector: 'nope', aspects: ['name'] } } } }),
      doctor({ ...healthy(), DATABASE_URL: `postgres://nobody@127.0.0.1:${await freePort()}/none`, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` }),
      doctor({ ...healthy(), TEMPORAL_NAMESPACE: 'no-such-namespace' }),
    ]);
    expect(byName(invalid.report).config).toMatchObject({ ok: false });
    expect(byName(invalid.report).connectors).toMatchObject({ ok: false, skipped: true });
    expect(byName(invalid.report).schedules).toMatchObject({ skipped: true });
    const down = byName(unreachable.report);
    expect(down.database!.detail).toContain('cannot connect to DATABASE_URL');
    expect(down.migrations).toMatchObject({ skipped: true });
    expect(down.temporal!.detail).toContain('cannot reach Temporal at 127.0.0.1:');
    expect(down.worker).toMatchObject({ skipped: true });
    const missing = byName(noNamespace.report);
    expect(missing.namespace).toMatchObject({ ok: false, detail: 'namespace no-such-namespace does not exist' });
    expect(missing.namespace!.fix).toContain('temporal operator namespace create --namespace no-such-namespace');
    for (const answer of [invalid, unreachable, noNamespace]) expect(answer.code).toBe(1);
  });
});
