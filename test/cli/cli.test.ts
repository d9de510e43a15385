import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxWith, SHARED_DATA, SNAPSHOT } from '../support/sample-data.js';
import { rowOf, writeSampleVariant } from '../support/sample-variants.js';
import { custsync, custsyncHere, inBatches, writeConfig } from '../support/run-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { waitForPhase } from '../support/wait-for-phase.js';

describe('custsync config check', () => {
  it('accepts the shipped example config', async () => {
    const result = await custsync(['config', 'check'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('flow erp-customers: erp → crm');
  });

  it('prints every problem with its path and exits non-zero', async () => {
    const file = writeConfig(`
connectors:
  erp:
    type: flat-file
    delimiter: "||"
    password: \${CUSTSYNC_TEST_UNSET_SECRET}
  api:
    type: rest
flows:
  nightly:
    source: { type: connector, connector: erpp, aspects: [name, colour] }
    mode: sometimes
`);
    const result = await custsync(['config', 'check', '--config', file]);
    expect(result.code).toBe(1);
    const out = result.stderr;
    expect(out).toContain(file);
    expect(out).toContain('connectors.erp.password: environment variable CUSTSYNC_TEST_UNSET_SECRET is not set');
    expect(out).toMatch(/connectors\.erp\.folder: /);
    expect(out).toMatch(/connectors\.erp\.delimiter: /);
    expect(out).toMatch(/connectors\.api\.type: /);
    expect(out).toMatch(/flows\.nightly\.source\.aspects\.1: /);
    expect(out).toMatch(/flows\.nightly\.mode: /);
    expect(out).toContain('flows.nightly.source.connector: unknown connector "erpp"; defined: erp, api');
  });

  it('the worker refuses to start, naming every variable the config names that is unset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custsync-worker-'));
    const file = writeConfig(`
connectors:
  erp:
    type: flat-file
    folder: /inbox
    sftp: { host: 127.0.0.1, username: erp, passwordEnv: CUSTSYNC_TEST_UNSET_SFTP_PASSWORD, acceptAnyHostKey: true }
  oms:
    type: http
    baseUrl: http://127.0.0.1:9/api
    auth: { type: bearer, tokenEnv: CUSTSYNC_TEST_UNSET_TOKEN }
  crm: { type: jsonl-file, path: ${join(dir, 'crm.jsonl')} }
flows:
  erp:
    source: { type: connector, connector: erp, aspects: [name] }
`);
    const started = Date.now();
    const result = await custsync(['worker', '--config', file], { TEMPORAL_ADDRESS: '127.0.0.1:9' });
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.stderr).toContain('the worker does not start: the config has 3 problems:');
    expect(result.stderr).toContain('connectors.erp.sftp.passwordEnv: environment variable CUSTSYNC_TEST_UNSET_SFTP_PASSWORD is not set');
    expect(result.stderr).toContain('connectors.oms.auth.tokenEnv: environment variable CUSTSYNC_TEST_UNSET_TOKEN is not set');
    expect(result.stderr).toContain(`connectors.crm.path: file ${join(dir, 'crm.jsonl')} does not exist`);
    const check = await custsync(['config', 'check', '--config', file]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('connectors.erp.sftp.passwordEnv: environment variable CUSTSYNC_TEST_UNSET_SFTP_PASSWORD is not set');
  });

  it('ends quietly when the reader closes the pipe early', async () => {
    const bin = fileURLToPath(new URL('../../bin/custsync.js', import.meta.url));
    const { stdout, stderr } = await promisify(execFile)('bash', ['-c', `"${process.execPath}" "${bin}" --help | head -1; echo "exit \${PIPESTATUS[0]}"`]);
    expect(stdout).toBe('Usage: custsync [options] [command]\nexit 0\n');
    expect(stderr).toBe('');
  });

  it('names a missing config file and how to point at one', async () => {
    const result = await custsync(['config', 'check', '--config', '/nonexistent/custsync.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('file not found; pass --config <file> or set CUSTSYNC_CONFIG');
  });

  it('has --help on every command', async () => {
    const commands = [[], ['run'], ['runs'], ['runs', 'retry'], ['deletions'], ['review'], ['review', 'approve'], ['schedules'], ['schedules', 'backfill'], ['customers'], ['worker'], ['demo'], ['config'], ['db']];
    // The command line in this process: what its help and usage errors print, and the exit code it ends with.
    const results = await inBatches(commands, (command) => custsyncHere([...command, '--help']), 1);
    for (const [i, result] of results.entries()) {
      expect(result.code, commands[i]!.join(' ')).toBe(0);
      expect(result.stdout, commands[i]!.join(' ')).toMatch(/Usage: custsync/);
    }
  });

  it('treats a missing argument, an unknown command or option as a usage error: exit 2', async () => {
    const calls = [['run'], ['runs', 'show'], ['deletions', 'approve'], ['bogus'], ['runs', 'list', '--bogus'], ['runs', 'list', '--limit', 'x']];
    const results = await inBatches(calls, (args) => custsyncHere(args), 1);
    for (const [i, result] of results.entries()) {
      expect(result.code, calls[i]!.join(' ')).toBe(2);
      expect(result.stderr, calls[i]!.join(' ')).toMatch(/error: .*\n\(add --help for usage\)/);
    }
  });

  it('checks what the config points at: folders, files and reference data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custsync-check-'));
    writeFileSync(join(dir, 'bad-reference.json'), '{ not json');
    const file = writeConfig(`
connectors:
  erp: { type: flat-file, folder: ${join(dir, 'missing-inbox')}, referenceData: ${join(dir, 'bad-reference.json')} }
  crm: { type: jsonl-file, path: ${join(dir, 'nope.jsonl')} }
flows:
  erp:
    source: { type: connector, connector: erp, aspects: [name] }
`);
    const result = await custsync(['config', 'check', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`connectors.erp.folder: folder ${join(dir, 'missing-inbox')} does not exist`);
    expect(result.stderr).toMatch(/connectors\.erp\.referenceData: .*bad-reference\.json.* not valid JSON/);
    expect(result.stderr).toContain(`connectors.crm.path: file ${join(dir, 'nope.jsonl')} does not exist`);
    const json = await custsync(['config', 'check', '--json', '--config', file]);
    expect((JSON.parse(json.stdout) as { valid: boolean; problems: unknown[] }).problems).toHaveLength(3);
  });
});

describe('custsync run, runs and customers against a running worker', () => {
  let h: SyncHarness;
  let configFile: string;
  let env: NodeJS.ProcessEnv;

  let inbox: string;

  beforeAll(async () => {
    inbox = inboxWith(SNAPSHOT);
    const text = `
connectors:
  erp:
    type: flat-file
    folder: ${inbox}
    referenceData: ${join(SHARED_DATA, 'reference-data.json')}
flows:
  erp-customers:
    source: { type: connector, connector: erp, aspects: [name, addresses, contactPersons, customerAttributes] }
`;
    configFile = writeConfig(text);
    h = await startSyncHarness({
      connectors: { erp: { type: 'flat-file', folder: inbox, referenceData: join(SHARED_DATA, 'reference-data.json') } },
      flows: {
        'erp-customers': {
          source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses', 'contactPersons', 'customerAttributes'] },
        },
      },
    });
    env = {
      TEMPORAL_ADDRESS: h.temporal.address,
      CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue,
      DATABASE_URL: h.db.url,
      CUSTSYNC_CONFIG: configFile,
    };
  });
  afterAll(async () => {
    // The schedule lives on the shared Temporal server: remove it even when a test failed before doing so.
    await h?.client.schedule
      .getHandle('custsync/erp-customers')
      .delete()
      .catch((error: unknown) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
    await h?.close();
  });

  it('starts a run with a readable workflow id and prints its report', async () => {
    const dry = await custsync(['run', 'erp-customers', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^DRY RUN run sync\/erp-customers\//);
    expect(dry.stdout).toContain('would change (nothing was written):\n  create C1001\n    + type: COMPANY');
    const result = await custsync(['run', 'erp-customers'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/started sync\/erp-customers\/\d{8}T\d{9}Z/);
    expect(result.stdout).toMatch(/1 source\s+erp\s+customer_20261101T020000.txt\s+8\s+4/);
    expect(result.stdout).toContain('4 created, 0 updated, 0 unchanged, 0 rejected');

    const list = await custsync(['runs', 'list'], env);
    expect(list.stdout).toMatch(/sync\/erp-customers\/\S+\s+completed/);
    const runId = /(sync\/erp-customers\/\S+)/.exec(list.stdout)![1]!;
    const show = await custsync(['runs', 'show', runId], env);
    expect(show.stdout).toContain(`run ${runId}`);
    expect(show.stdout).toContain('4 created');
  });

  it('shows a customer with the connector behind every value', async () => {
    const result = await custsync(['customers', 'show', 'erp:C1001'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('source: erp:C1001');
    expect(result.stdout).toMatch(/name: companyName=Acme Boutique\s+\[erp · sync\/erp-customers\//);
    expect(result.stdout).toMatch(/code=S-1001-02 .*\[erp · /);
    const missing = await custsync(['customers', 'show', 'erp:NOPE'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no customer erp:NOPE');
  });

  it('lists a run waiting for approval of deletions with its customers, and approves it', async () => {
    writeSampleVariant(inbox, SNAPSHOT, 'customer_20261101T050000.txt', rowOf('C1001', 'C1002'));
    const handle = await h.start('erp-customers');
    await waitForPhase(handle, 'awaiting-deletion-approval');
    const list = await custsync(['deletions', 'list'], env);
    expect(list.stdout).toContain(`${handle.workflowId} (erp-customers, started`);
    expect(list.stdout).toContain('would mark 2 of 4 customers missing (50.0%)');
    expect(list.stdout).toMatch(/C1003\s+Tokyo Select K\.K\./);
    const json = JSON.parse((await custsync(['deletions', 'list', '--json'], env)).stdout) as { customers: unknown[] }[];
    expect(json[0]!.customers).toHaveLength(2);

    const approve = await custsync(['deletions', 'approve', handle.workflowId], env);
    expect(approve.code).toBe(0);
    expect((await handle.result()).deletion).toMatchObject({ status: 'approved', markedMissing: 2 });
    const again = await custsync(['deletions', 'reject', handle.workflowId], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/deletions already approved by cli:\S+ at \d{4}-/);
    const shown = await custsync(['customers', 'show', 'erp:C1003'], env);
    expect(shown.stdout).toContain(`MISSING since`);
    expect(shown.stdout).toContain(`missing `);
    const usage = await custsync(['deletions', 'approve'], env);
    expect(usage.code).toBe(2);
    const retry = await custsync(['runs', 'retry', handle.workflowId], env);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toContain('is completed; only a failed');
  });

  it('applies one schedule per flow idempotently; a triggered run says it came from its schedule', async () => {
    const applied = await custsync(['schedules', 'apply'], env);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/created\s+custsync\/erp-customers/);
    expect((await custsync(['schedules', 'apply'], env)).stdout).toMatch(/unchanged\s+custsync\/erp-customers/);

    const listed = JSON.parse((await custsync(['schedules', 'list', '--json'], env)).stdout) as { state: string; nextRuns: string[] }[];
    expect(listed[0]).toMatchObject({ state: 'active' });
    expect(listed[0]!.nextRuns.length).toBeGreaterThan(0);

    expect((await custsync(['schedules', 'pause', 'erp-customers', '--note', 'maintenance'], env)).code).toBe(0);
    expect((await custsync(['schedules', 'list'], env)).stdout).toMatch(/erp-customers\s+custsync\/erp-customers\s+paused[\s\S]*note: maintenance/);
    expect((await custsync(['schedules', 'unpause', 'erp-customers'], env)).code).toBe(0);

    expect((await custsync(['schedules', 'trigger', 'erp-customers'], env)).code).toBe(0);
    const scheduled = () => h.db.db.selectFrom('sync_runs').select(['id', 'status']).where('trigger', '=', 'schedule').executeTakeFirst();
    await expect.poll(async () => (await scheduled())?.status, { timeout: 120_000, interval: 200 }).toBe('completed');
    const run = await scheduled();
    expect(run!.id).toMatch(/^sync\/erp-customers\/scheduled-/);
    const description = await h.client.workflow.getHandle(run!.id).describe();
    expect(description.memo).toMatchObject({ trigger: 'schedule', schedule: 'custsync/erp-customers' });
    expect((await custsync(['runs', 'show', run!.id], env)).stdout).toContain('triggered by schedule');

    // Backfill the two hourly slots of a past period: one scheduled run each, one after the other.
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const [from, to] = [new Date(hour - 2.5 * 3_600_000).toISOString(), new Date(hour - 0.5 * 3_600_000).toISOString()];
    const backfill = await custsync(['schedules', 'backfill', 'erp-customers', '--from', from, '--to', to], env);
    expect(backfill.code).toBe(0);
    const slots = [2, 1].map((h) => `sync/erp-customers/scheduled-${new Date(hour - h * 3_600_000).toISOString().replace('.000Z', 'Z')}`);
    const backfilled = async () => (await h.db.db.selectFrom('sync_runs').select(['id', 'status']).where('id', 'in', slots).execute()).map((r) => [r.id, r.status]).sort();
    await expect.poll(backfilled, { timeout: 120_000, interval: 200 }).toEqual(slots.map((id) => [id, 'completed']).sort());

    const onDemand = writeConfig(readFileSync(configFile, 'utf8') + '    schedule: false\n');
    const removed = await custsync(['schedules', 'apply', '--config', onDemand], env);
    expect(removed.stdout).toMatch(/removed\s+custsync\/erp-customers/);
    expect((await custsync(['schedules', 'trigger', 'erp-customers'], env)).stderr).toContain('has no schedule');
  }, 300_000);

  it('explains an unknown flow', async () => {
    const result = await custsync(['run', 'nope'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown flow "nope"; configured flows: erp-customers');
  });
});
