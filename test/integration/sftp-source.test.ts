import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReferenceData, writeTemplateFile } from '../../bench/template-file-writer.js';
import { flatFileConnectorSchema } from '../../src/config/config-schema.js';
import { createFlatFileConnector } from '../../src/connectors/flat-file/flat-file-connector.js';
import { sftpTransport } from '../../src/connectors/file-transports/sftp-transport.js';
import { sftpSettingsSchema } from '../../src/connectors/file-transports/sftp-settings.js';
import { customerContent } from '../support/content-tables.js';
import { custsync, writeConfig } from '../support/run-cli.js';
import { dropInto, SHARED_DATA, SNAPSHOT, DELTA } from '../support/sample-data.js';
import { sftpFolder, startSftpServer, type TestSftpServer } from '../support/sftp-server.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { startTcpHoldProxy, type TcpHoldProxy } from '../support/tcp-hold-proxy.js';

const PASSWORD_ENV = 'CUSTSYNC_TEST_SFTP_PASSWORD';
const KEY_ENV = 'CUSTSYNC_TEST_SFTP_KEY';
const BIG_FILE = 'customer_20261102T000000.txt';
const BIG_CUSTOMERS = 3000;
const ALL_ASPECTS = ['name', 'addresses', 'contactPersons', 'customerAttributes', 'customerContactDetails', 'addressAttributes', 'addressContactDetails'];

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('flat files on an SFTP server', () => {
  let server: TestSftpServer;
  let proxy: TcpHoldProxy;
  let sftpHarness: SyncHarness;
  let droppedHarness: SyncHarness;
  let localHarness: SyncHarness;
  const work = mkdtempSync(join(tmpdir(), 'custsync-sftp-test-'));
  const folders: Record<string, string> = {};
  let bigBytes = 0;

  const sftp = (extra: Record<string, unknown> = {}) => ({
    host: server.host,
    port: server.port,
    username: server.username,
    passwordEnv: PASSWORD_ENV,
    hostKeyFingerprint: server.hostKeyFingerprint,
    connectTimeout: '5s',
    idleTimeout: '5s',
    ...extra,
  });

  beforeAll(async () => {
    server = await startSftpServer();
    process.env[PASSWORD_ENV] = server.password;
    process.env[KEY_ENV] = server.privateKey;
    proxy = await startTcpHoldProxy(server.port);
    for (const name of ['password', 'key', 'dropped', 'local']) folders[name] = await sftpFolder(server, name);
    dropInto(folders.password!, SNAPSHOT);
    dropInto(folders.password!, DELTA);
    dropInto(folders.key!, SNAPSHOT);
    const referenceData = join(work, 'bench-reference-data.json');
    await writeReferenceData(referenceData);
    bigBytes = (await writeTemplateFile(join(folders.dropped!, BIG_FILE), BIG_CUSTOMERS)).bytes;
    await writeTemplateFile(join(folders.local!, BIG_FILE), BIG_CUSTOMERS);
    const samples = join(SHARED_DATA, 'reference-data.json');
    const flow = (connector: string, aspects = ['name', 'addresses']) => ({
      source: { type: 'connector', connector, aspects },
      schedule: false,
      chunkSize: 250,
    });
    sftpHarness = await startSyncHarness({
      connectors: {
        password: {
          type: 'flat-file',
          folder: folders.password,
          referenceData: samples,
          afterProcessing: 'archive',
          sftp: sftp({ downloadFolder: join(work, 'downloads-password') }),
        },
        key: {
          type: 'flat-file',
          folder: folders.key,
          referenceData: samples,
          sftp: sftp({ passwordEnv: undefined, privateKeyEnv: KEY_ENV }),
        },
      },
      flows: { password: flow('password'), key: flow('key') },
    });
    droppedHarness = await startSyncHarness({
      connectors: {
        erp: {
          type: 'flat-file',
          folder: folders.dropped,
          referenceData,
          sftp: sftp({ port: proxy.port, downloadFolder: join(work, 'downloads-dropped') }),
        },
      },
      flows: { big: flow('erp', ALL_ASPECTS) },
    });
    localHarness = await startSyncHarness({
      connectors: { erp: { type: 'flat-file', folder: folders.local, referenceData } },
      flows: { big: flow('erp', ALL_ASPECTS) },
    });
  }, 120_000);

  afterAll(async () => {
    await sftpHarness?.close();
    await droppedHarness?.close();
    await localHarness?.close();
    await proxy?.close();
    await server?.stop();
    delete process.env[PASSWORD_ENV];
    delete process.env[KEY_ENV];
  });

  it('syncs the files with a password login and a verified host key, oldest first, then archives them on the server', async () => {
    const report = await sftpHarness.run('password');
    expect(report.status).toBe('completed');
    expect(report.steps[0]!.inputs).toEqual([SNAPSHOT, DELTA]);
    expect(report.totals).toMatchObject({ created: 5, rejected: 0 });
    const stored = await sftpHarness.db.db
      .selectFrom('customers')
      .innerJoin('addresses', 'addresses.customer_id', 'customers.id')
      .select(['customers.source_id', 'customers.company_name', 'addresses.code', 'addresses.line2', 'addresses.city'])
      .where('customers.source_connector', '=', 'password')
      .orderBy('customers.source_id')
      .orderBy('addresses.code')
      .execute();
    // As the sample files say: the delta gives C1001 "Floor 4" and a Chicago address, and adds C1005.
    expect(stored.filter((r) => r.source_id === 'C1001').map((r) => [r.code, r.line2, r.city])).toEqual([
      ['B-1001', 'Floor 4', 'New York'],
      ['S-1001-01', null, 'New York'],
      ['S-1001-02', null, 'Boston'],
      ['S-1001-03', null, 'Chicago'],
    ]);
    expect([...new Set(stored.map((r) => `${r.source_id} ${r.company_name}`))]).toEqual([
      'C1001 Acme Boutique',
      'C1002 Nordic Style AB',
      'C1003 Tokyo Select K.K.',
      'C1004 Smith & Sons "Outfitters"',
      'C1005 Windy Peak Outdoor',
    ]);
    expect(readdirSync(folders.password!)).toEqual(['archive']);
    expect(readdirSync(join(folders.password!, 'archive')).sort()).toEqual([SNAPSHOT, DELTA].sort());
    expect(readdirSync(join(work, 'downloads-password'))).toEqual([]);
  });

  it('logs in with a private key from the environment', async () => {
    const report = await sftpHarness.run('key');
    expect(report.steps[0]!.inputs).toEqual([SNAPSHOT]);
    expect(report.totals.created).toBe(4);
  });

  it('refuses a server whose host key is not the configured one, naming both fingerprints', async () => {
    const wrong = `SHA256:${'A'.repeat(43)}`;
    const connector = createFlatFileConnector(
      'erp',
      flatFileConnectorSchema.parse({ type: 'flat-file', folder: folders.key, sftp: sftp({ hostKeyFingerprint: wrong }) }),
    );
    const error = await connector.listInputs().then(() => undefined, (e: unknown) => e as Error);
    expect(error?.name).toBe('InputError');
    expect(error?.message).toContain(server.hostKeyFingerprint);
    expect(error?.message).toContain(wrong);

    const anyKey = createFlatFileConnector(
      'erp',
      flatFileConnectorSchema.parse({ type: 'flat-file', folder: folders.key, sftp: sftp({ hostKeyFingerprint: undefined, acceptAnyHostKey: true }) }),
    );
    expect((await anyKey.listInputs()).map((i) => i.name)).toEqual([SNAPSHOT]);
  });

  it('says a login was refused without printing the password, and names an unset variable', async () => {
    process.env.CUSTSYNC_TEST_WRONG_PASSWORD = 'not-the-password-4711';
    const connector = createFlatFileConnector(
      'erp',
      flatFileConnectorSchema.parse({ type: 'flat-file', folder: folders.key, sftp: sftp({ passwordEnv: 'CUSTSYNC_TEST_WRONG_PASSWORD' }) }),
    );
    const error = await connector.listInputs().then(() => undefined, (e: unknown) => e as Error);
    delete process.env.CUSTSYNC_TEST_WRONG_PASSWORD;
    expect(error?.name).toBe('InputError');
    expect(error?.message).toMatch(/login refused for custsync-sftp/);
    expect(error?.message).not.toContain('not-the-password-4711');

    const unset = createFlatFileConnector(
      'erp',
      flatFileConnectorSchema.parse({ type: 'flat-file', folder: folders.key, sftp: sftp({ passwordEnv: 'CUSTSYNC_TEST_UNSET' }) }),
    );
    await expect(unset.listInputs()).rejects.toThrow(/environment variable CUSTSYNC_TEST_UNSET \(sftp.passwordEnv\) is not set/);
  });

  it('resumes a download the server dropped halfway from the bytes it already has', async () => {
    const downloads = join(work, 'downloads-resume');
    const transport = sftpTransport('erp', sftpSettingsSchema.parse(sftp({ port: proxy.port })), folders.dropped!, downloads);
    const [file] = (await transport.list()).filter((f) => f.name === BIG_FILE);
    const held = proxy.holdAfter(Math.floor(bigBytes / 2));
    const first = transport.fetch(file!).then(() => undefined, (e: unknown) => e as Error);
    const cut = await held;
    expect(await server.dropSessions()).toBeGreaterThan(0);
    cut();
    expect((await first)?.message).toMatch(/sftp:\/\/custsync-sftp@127\.0\.0\.1/);
    const partial = statSync(join(downloads, `${BIG_FILE}.part`)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(bigBytes);

    const second = await transport.fetch(file!);
    expect(second.resumedAt).toBe(partial);
    expect(second.checksum).toBe(sha256(join(folders.dropped!, BIG_FILE)));
    expect(sha256(second.path)).toBe(second.checksum);
    expect(existsSync(join(downloads, `${BIG_FILE}.part`))).toBe(false);
  });

  it('retries a run whose download the server dropped, ending with the same customers as from a local folder', async () => {
    const local = await localHarness.run('big');
    const held = proxy.holdAfter(Math.floor(bigBytes / 3));
    const handle = await droppedHarness.start('big');
    const cut = await held;
    await server.dropSessions();
    cut();
    const report = await handle.result();
    expect(report.totals).toEqual(local.totals);
    expect(report.totals.created).toBe(BIG_CUSTOMERS);
    expect(await customerContent(droppedHarness.db)).toEqual(await customerContent(localHarness.db));

    const history = (await handle.fetchHistory()).events ?? [];
    const attempts = history
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
    expect(Math.max(...attempts)).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('config check logs in and lists each SFTP folder, names unset variables, and insists on a host-key decision', async () => {
    const server_ = `host: ${server.host}, port: ${server.port}, username: ${server.username}`;
    const file = writeConfig(`
connectors:
  good: { type: flat-file, folder: ${folders.key}, sftp: { ${server_}, passwordEnv: ${PASSWORD_ENV}, hostKeyFingerprint: "${server.hostKeyFingerprint}" } }
  nofolder: { type: flat-file, folder: /no/such/inbox, sftp: { ${server_}, passwordEnv: ${PASSWORD_ENV}, hostKeyFingerprint: "${server.hostKeyFingerprint}" } }
  unset: { type: flat-file, folder: ${folders.key}, sftp: { ${server_}, privateKeyEnv: CUSTSYNC_TEST_NO_KEY, acceptAnyHostKey: true } }
flows:
  good: { source: { type: connector, connector: good, aspects: [name] }, schedule: false }
  nofolder: { source: { type: connector, connector: nofolder, aspects: [name] }, schedule: false }
  unset: { source: { type: connector, connector: unset, aspects: [name] }, schedule: false }
`);
    const result = await custsync(['config', 'check', '--json', '--config', file]);
    expect(result.code).toBe(1);
    const { problems } = JSON.parse(result.stdout) as { problems: { path: string; message: string }[] };
    expect(problems).toEqual([
      { path: 'connectors.unset.sftp.privateKeyEnv', message: 'environment variable CUSTSYNC_TEST_NO_KEY is not set' },
      { path: 'connectors.nofolder.sftp', message: 'connector nofolder: folder /no/such/inbox does not exist on 127.0.0.1; check "folder" in the config' },
    ]);

    const undecided = writeConfig(`
connectors:
  erp: { type: flat-file, folder: /inbox, sftp: { ${server_}, passwordEnv: ${PASSWORD_ENV} } }
flows:
  erp: { source: { type: connector, connector: erp, aspects: [name] }, schedule: false }
`);
    const refused = await custsync(['config', 'check', '--config', undecided]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/connectors\.erp\.sftp\.hostKeyFingerprint: give hostKeyFingerprint .* or acceptAnyHostKey: true/);
  });
});
