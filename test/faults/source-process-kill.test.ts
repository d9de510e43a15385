import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/run-types.js';
import { customerContent } from '../support/content-tables.js';
import { sourcePackage } from '../support/source-packages.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const FAKER_CONFIG = { count: 1500, seed: 11, always_updated: false, parallelism: 1, records_per_slice: 100 };
const MAPPING = { externalId: { path: 'id', transform: ['string'] }, type: 'PERSON', name: { firstName: 'name' }, contactDetails: [{ kind: 'email', value: 'email' }] };

/** The pids of the source's `read` processes running now. */
function readProcesses(executable: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `${executable} read --config`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return [];
  }
}

const SCRIPTED = join(import.meta.dirname, '..', 'support', 'scripted-airbyte-source.mjs');

/** The pids of this process's children running the scripted source's `read`. */
function scriptedReads(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', `${SCRIPTED} read`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return [];
  }
}

describe('an Airbyte source process killed in the middle of its stream', () => {
  let executable: string;
  const harnesses: SyncHarness[] = [];

  beforeAll(async () => {
    executable = (await sourcePackage('airbyte-source-faker')).executables[0]!;
  });
  afterAll(async () => {
    for (const h of harnesses) await h.close();
  });

  const harness = async () => {
    const h = await startSyncHarness({
      connectors: { faker: { type: 'airbyte-source', executable, config: FAKER_CONFIG, stream: 'users', mapping: MAPPING } },
      flows: { people: { source: { type: 'connector', connector: 'faker', aspects: ['name', 'customerContactDetails'] }, schedule: false, pageSize: 100 } },
    });
    harnesses.push(h);
    return h;
  };

  it('is retried: the read runs again, skips what was staged, and the run ends with exactly what an undisturbed run stores', async () => {
    const undisturbedHarness = await harness();
    const undisturbed = await undisturbedHarness.run('people');

    const h = await harness();
    const handle = await h.start('people');
    // Wait until the read has staged a page, then kill the source process.
    const deadline = Date.now() + 60_000;
    let killed: number | undefined;
    while (killed === undefined && Date.now() < deadline) {
      const staged = await h.db.db.selectFrom('staging_records').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      const [pid] = readProcesses(executable);
      if (Number(staged.n) > 0 && pid !== undefined) {
        process.kill(pid, 'SIGKILL');
        killed = pid;
      } else await new Promise((resolve) => setImmediate(resolve));
    }
    expect(killed, 'the source was killed mid-stream').toBeDefined();
    const report: RunReport = await handle.result();
    const attempts = (await handle.fetchHistory()).events!.filter((e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt! > 1);
    console.log(`fault: airbyte source killed mid-stream: retried ${attempts.length} time(s)`);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(report.status).toBe('completed');
    expect(report.totals).toEqual(undisturbed.totals);
    expect(report.totals.created).toBe(1500);
    expect(await customerContent(h.db)).toEqual(await customerContent(undisturbedHarness.db));
    // Two whole syncs, each starting the Python source at least once: on a loaded machine they took over a minute.
  }, 180_000);

  it('is stopped, with its process group, when its run is cancelled; nothing of the run is stored', async () => {
    const h = await startSyncHarness({
      connectors: { slow: { type: 'airbyte-source', executable: SCRIPTED, config: { behaviour: 'slow' }, stream: 'companies', mapping: { externalId: 'id', type: 'COMPANY', name: { companyName: 'name' } } } },
      flows: { slow: { source: { type: 'connector', connector: 'slow', aspects: ['name'] }, schedule: false, pageSize: 10, heartbeatTimeout: '3s' } },
    });
    harnesses.push(h);
    const handle = await h.start('slow');
    await expect.poll(async () => Number((await h.db.db.selectFrom('staging_records').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n), { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    expect(scriptedReads()).toHaveLength(1);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(/cancel/i);
    // The cancellation reaches the activity with its next heartbeat; the source's group is stopped then.
    await expect.poll(() => scriptedReads(), { timeout: 30_000, interval: 100 }).toEqual([]);
    expect(await h.db.db.selectFrom('customers').select('id').execute()).toEqual([]);
    const run = await h.db.db.selectFrom('sync_runs').select(['status', 'error']).where('id', '=', handle.workflowId).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/cancel/i) as string });
  });
});
