import { ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackApi, type LoopbackApi } from '../support/loopback-api.js';
import { custsync, writeConfig } from '../support/run-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const FLOW = 'sched-policies';
const SCHEDULE = `custsync/${FLOW}`;

describe('custsync schedules: policies from the config, kept across apply', () => {
  let api: LoopbackApi;
  let h: SyncHarness;
  let env: NodeJS.ProcessEnv;
  const configWith = (schedule: object) =>
    writeConfig(
      JSON.stringify({
        connectors: { api: { type: 'http', baseUrl: api.baseUrl, pagination: { type: 'page' }, pageSize: 5 } },
        flows: { [FLOW]: { source: { type: 'connector', connector: 'api', aspects: ['name'] }, schedule } },
      }),
    );
  const describeSchedule = (): Promise<ScheduleDescription> => h.client.schedule.getHandle(SCHEDULE).describe();

  /** The first page is answered once this settles: a test holds a run open with it. */
  let firstPageAnswered: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    api = await startLoopbackApi((url) => ({
      body: { items: url.searchParams.get('page') === '1' ? [{ externalId: 'S1', type: 'COMPANY', name: { companyName: 'Sched AS' } }] : [] },
      ...(url.searchParams.get('page') === '1' ? { after: firstPageAnswered } : {}),
    }));
    h = await startSyncHarness({
      connectors: { api: { type: 'http', baseUrl: api.baseUrl, pagination: { type: 'page' }, pageSize: 5 } },
      // The worker's flow is the config's last one (the runs the schedule starts carry its fingerprint).
      flows: { [FLOW]: { source: { type: 'connector', connector: 'api', aspects: ['name'] }, schedule: { every: '2h', catchupWindow: '30m' } } },
    });
    env = { TEMPORAL_ADDRESS: h.temporal.address, CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue, DATABASE_URL: h.db.url };
  });
  afterAll(async () => {
    // Schedules live on the shared Temporal server: remove this file's, whatever happened.
    await h?.client.schedule
      .getHandle(SCHEDULE)
      .delete()
      .catch((error: unknown) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
    await h?.close();
    await api?.close();
  });

  it('creates the schedule with overlap skip and the configured catch-up window', async () => {
    const applied = await custsync(['schedules', 'apply', '--config', configWith({ every: '1h', catchupWindow: '10m' })], env);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(new RegExp(`created\\s+${SCHEDULE}`));
    const schedule = await describeSchedule();
    expect(schedule.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 600_000 });
    expect(schedule.spec.intervals).toMatchObject([{ every: 3_600_000 }]);
  });

  it('keeps an operator’s pause when apply updates the schedule', async () => {
    expect((await custsync(['schedules', 'pause', FLOW, '--note', 'ERP maintenance', '--config', configWith({ every: '1h', catchupWindow: '10m' })], env)).code).toBe(0);
    const applied = await custsync(['schedules', 'apply', '--config', configWith({ every: '2h', catchupWindow: '30m' })], env);
    expect(applied.stdout).toMatch(new RegExp(`updated\\s+${SCHEDULE}`));
    const schedule = await describeSchedule();
    expect(schedule.state).toMatchObject({ paused: true, note: 'ERP maintenance' });
    expect(schedule.spec.intervals).toMatchObject([{ every: 7_200_000 }]);
    expect(schedule.policies.catchupWindow).toBe(1_800_000);
    expect((await custsync(['schedules', 'unpause', FLOW, '--config', configWith({ every: '2h', catchupWindow: '30m' })], env)).code).toBe(0);
  });

  it('skips a trigger while the schedule’s run is still going', async () => {
    const config = configWith({ every: '2h', catchupWindow: '30m' });
    // The run's listing is held until the second trigger has been made.
    let answerFirstPage!: () => void;
    firstPageAnswered = new Promise((resolve) => (answerFirstPage = resolve));
    expect((await custsync(['schedules', 'trigger', FLOW, '--config', config], env)).code).toBe(0);
    await expect.poll(async () => (await describeSchedule()).info.runningActions.length, { timeout: 120_000, interval: 100 }).toBe(1);
    const schedule = await describeSchedule();
    const running = schedule.info.runningActions[0]!.workflow.workflowId;
    // The second trigger finds the first run still going: it is skipped, not queued behind it.
    expect((await custsync(['schedules', 'trigger', FLOW, '--config', config], env)).code).toBe(0);
    expect((await describeSchedule()).info.runningActions.map((a) => a.workflow.workflowId)).toEqual([running]);
    answerFirstPage();
    await h.client.workflow.getHandle(running).result();
    expect((await describeSchedule()).info.recentActions).toHaveLength(1);
    const runs = await h.db.db.selectFrom('sync_runs').select(['trigger', 'status']).where('flow', '=', FLOW).execute();
    expect(runs).toEqual([{ trigger: 'schedule', status: 'completed' }]);
  });
});
