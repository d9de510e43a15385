import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { APIRequestContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { customerSyncWorkflow } from '../../src/workflows/customer-sync-workflow.js';
import { csrfIn, postDecision, reviewersSignedInWith, signedInContext, startConsoleServer } from '../support/console-server.js';
import { custsync, writeConfig } from '../support/run-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { waitForPhase } from '../support/wait-for-phase.js';

const PASSWORDS = { ana: 'ana-reviews-123', bob: 'bob-reviews-456' };
const company = (id: string) => JSON.stringify({ externalId: id, type: 'COMPANY', name: { companyName: `Company ${id}` } });
const lines = (...rows: string[]) => `${rows.join('\n')}\n`;
const FLOWS = ['shop-a', 'shop-b', 'shop-c'] as const;

describe('one decision per waiting deletion run, whoever sends it', () => {
  let h: SyncHarness;
  let server: FastifyInstance;
  let base: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const waiting: Partial<Record<(typeof FLOWS)[number], WorkflowHandle<typeof customerSyncWorkflow>>> = {};
  const people: Partial<Record<keyof typeof PASSWORDS, APIRequestContext>> = {};

  const signIn = (name: keyof typeof PASSWORDS) => signedInContext(base, name, PASSWORDS[name]);
  /** A decision sent from the console's page, as its form sends it. */
  const decideInConsole = (who: keyof typeof PASSWORDS, runId: string, decision: 'approve' | 'reject', csrf: string) => postDecision(people[who]!, '/deletions/decide', { _csrf: csrf, runId, decision });
  const signalsIn = async (handle: WorkflowHandle) =>
    ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).map((e) => e.workflowExecutionSignaledEventAttributes!.signalName);
  const decisionOf = (runId: string) =>
    h.db.db.selectFrom('sync_runs').select(['deletion_decided_by', 'deletion_decision']).where('id', '=', runId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custsync-decisions-'));
    for (const shop of ['a', 'b', 'c']) writeFileSync(join(dir, `shop-${shop}.jsonl`), lines(...[1, 2, 3, 4].map((n) => company(`${shop.toUpperCase()}${n}`))));
    const shopFlow = (connector: string) => ({
      source: { type: 'connector', connector, aspects: ['name'] },
      deletion: { threshold: 10, approvalTimeout: '2h', gracePeriod: '1h' },
      schedule: false,
    });
    const config = {
      connectors: {
        'shop-a': { type: 'jsonl-file', path: join(dir, 'shop-a.jsonl') },
        'shop-b': { type: 'jsonl-file', path: join(dir, 'shop-b.jsonl') },
        'shop-c': { type: 'jsonl-file', path: join(dir, 'shop-c.jsonl') },
      },
      flows: { 'shop-a': shopFlow('shop-a'), 'shop-b': shopFlow('shop-b'), 'shop-c': shopFlow('shop-c') },
      console: await reviewersSignedInWith(PASSWORDS),
    };
    h = await startSyncHarness(config);
    for (const flow of FLOWS) {
      expect((await h.run(flow)).totals.created).toBe(4);
      const letter = flow.at(-1)!.toUpperCase();
      writeFileSync(join(dir, `${flow}.jsonl`), lines(company(`${letter}1`)));
      waiting[flow] = await h.start(flow);
      await waitForPhase(waiting[flow], 'awaiting-deletion-approval');
    }
    ({ app: server, url: base } = await startConsoleServer(h, { sessionKeyByte: 9 }));
    people.ana = await signIn('ana');
    people.bob = await signIn('bob');
    env = {
      TEMPORAL_ADDRESS: h.temporal.address,
      CUSTSYNC_TASK_QUEUE: h.temporal.taskQueue,
      DATABASE_URL: h.db.url,
      CUSTSYNC_CONFIG: writeConfig(JSON.stringify({ connectors: config.connectors, flows: config.flows })),
    };
  });
  afterAll(async () => {
    for (const context of Object.values(people)) await context?.dispose();
    await server?.close();
    for (const handle of Object.values(waiting)) await handle?.terminate().catch(() => undefined);
    await h?.close();
  });

  it('takes the first of two console decisions sent at once and refuses the other, naming who decided', async () => {
    const handle = waiting['shop-a']!;
    const [anaCsrf, bobCsrf] = await Promise.all([csrfIn(people.ana!, '/deletions'), csrfIn(people.bob!, '/deletions')]);
    const answers = await Promise.all([
      decideInConsole('ana', handle.workflowId, 'approve', anaCsrf),
      decideInConsole('bob', handle.workflowId, 'reject', bobCsrf),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 409]);
    const winner = answers[0].status === 303 ? { who: 'ana', decision: 'approve' as const } : { who: 'bob', decision: 'reject' as const };
    const loser = answers.find((a) => a.status === 409)!;
    expect(loser.text).toContain(`already ${winner.decision === 'approve' ? 'approved' : 'rejected'} by user:${winner.who} at`);

    const report = await handle.result();
    waiting['shop-a'] = undefined;
    expect(report.deletion?.status).toBe(winner.decision === 'approve' ? 'approved' : 'rejected');
    expect(report.deletion?.markedMissing).toBe(winner.decision === 'approve' ? 3 : 0);
    expect(await decisionOf(handle.workflowId)).toEqual({ deletion_decided_by: `user:${winner.who}`, deletion_decision: winner.decision });
    expect(await signalsIn(handle)).toEqual([winner.decision === 'approve' ? 'approveDeletions' : 'rejectDeletions']);
    const actors = await h.db.db.selectFrom('change_log').select('actor').where('run_id', '=', handle.workflowId).where('change', '=', 'missing').execute();
    expect(actors).toEqual(winner.decision === 'approve' ? Array.from({ length: 3 }, () => ({ actor: 'user:ana' })) : []);
  });

  it('takes the first of a console and a CLI decision sent at once', async () => {
    const handle = waiting['shop-b']!;
    const csrf = await csrfIn(people.ana!, '/deletions');
    const [fromConsole, fromCli] = await Promise.all([
      decideInConsole('ana', handle.workflowId, 'approve', csrf),
      custsync(['deletions', 'reject', handle.workflowId], env),
    ]);
    expect([fromConsole.status === 303, fromCli.code === 0].filter(Boolean)).toHaveLength(1);
    const consoleWon = fromConsole.status === 303;
    if (consoleWon) {
      expect(fromCli.stderr).toMatch(/already approved by user:ana at/);
    } else {
      expect(fromConsole.status).toBe(409);
      expect(fromConsole.text).toMatch(/already rejected by cli:\S+ at/);
    }
    const decision = await decisionOf(handle.workflowId);
    expect(decision.deletion_decision).toBe(consoleWon ? 'approve' : 'reject');
    const report = await handle.result();
    waiting['shop-b'] = undefined;
    expect(report.deletion?.status).toBe(consoleWon ? 'approved' : 'rejected');
    expect(await signalsIn(handle)).toHaveLength(1);
    const again = await custsync(['deletions', 'approve', handle.workflowId], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(consoleWon ? /already approved by user:ana at/ : /already rejected by cli:\S+ at/);
  });

  it('shows a decided run as decided, without buttons, until its workflow has acted on the decision', async () => {
    const handle = waiting['shop-c']!;
    const before = await (await people.bob!.get('/deletions')).text();
    expect(before).toContain(handle.workflowId);
    expect(before).toContain('name="decision"');
    const listed = await custsync(['runs', 'list', '--flow', 'shop-c', '--json'], env);
    expect((JSON.parse(listed.stdout) as { id: string; mode: string; deletion_status: string }[]).find((r) => r.id === handle.workflowId)).toMatchObject({
      mode: 'full',
      deletion_status: 'awaiting-approval',
    });
    // The moment between a decision and the run acting on it, held open: the decision is claimed, its signal not yet read.
    await h.db.db
      .updateTable('sync_runs')
      .set({ deletion_decision: 'approve', deletion_decided_by: 'user:ana', deletion_decided_at: new Date() })
      .where('id', '=', handle.workflowId)
      .execute();
    const page = await (await people.bob!.get('/deletions')).text();
    expect(page).toContain(handle.workflowId);
    expect(page).toMatch(/Approved by user:ana<\/strong> at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(page).not.toContain('name="decision"');
    const refused = await decideInConsole('bob', handle.workflowId, 'reject', await csrfIn(people.bob!, '/deletions'));
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('already approved by user:ana at');
    await handle.signal('approveDeletions', { by: 'user:ana', at: new Date().toISOString() });
    expect((await handle.result()).deletion).toMatchObject({ status: 'approved', markedMissing: 3 });
    waiting['shop-c'] = undefined;
    expect(await (await people.bob!.get('/deletions')).text()).not.toContain(handle.workflowId);
  });
});
