import type { LoadedConfig } from '../../config/load-config.js';
import { listDeletionApprovals } from '../../operations/deletions.js';
import type { OperationDeps } from '../../operations/operation-deps.js';
import { listHeldCustomers } from '../../operations/review.js';
import { startFlowRun } from '../../operations/start-run.js';
import { startDemoPartnerDirectory } from '../../tooling/demo-partner-directory.js';
import { runFlow } from './run-flow.js';

/**
 * Leaves something for the data team to decide in the console: the web sign-ups held for
 * review, and a run of the partners flow waiting for approval of its deletions (its
 * directory, served here, lists all partners for the first run and one for the second).
 */
export async function prepareDecisions(
  loaded: LoadedConfig,
  deps: Pick<OperationDeps, 'db' | 'client' | 'temporal' | 'config'>,
  run: Omit<Parameters<typeof runFlow>[0], 'flow'>,
  workerDied: Promise<never>,
  say: (line: string) => void,
  cleanups: (() => Promise<void>)[],
): Promise<{ held: number; waitingRunId?: string }> {
  const out: { held: number; waitingRunId?: string } = { held: 0 };
  if (loaded.config.flows['web-signups']) {
    say('\n— web sign-ups: new customers are held for the data team’s review');
    await Promise.race([runFlow({ ...run, flow: 'web-signups' }), workerDied]);
    out.held = (await listHeldCustomers(deps, { flow: 'web-signups' })).length;
  }
  const partners = loaded.config.connectors.partners;
  if (loaded.config.flows.partners && partners?.type === 'http' && new URL(partners.baseUrl).hostname === '127.0.0.1') {
    const directory = await startDemoPartnerDirectory(Number(new URL(partners.baseUrl).port) || 80);
    cleanups.push(() => directory.close());
    say(`\n— partners: the directory at ${directory.baseUrl} lists ${directory.listed()} companies`);
    await Promise.race([runFlow({ ...run, flow: 'partners' }), workerDied]);
    directory.keepOnly(1);
    const handle = await startFlowRun(deps, 'partners', { trigger: 'demo' });
    say(`  now it lists ${directory.listed()}: run ${handle.workflowId} would mark the others missing, so it waits for a person`);
    for (let i = 0; i < 300 && !out.waitingRunId; i++) {
      if ((await listDeletionApprovals(deps, { runId: handle.workflowId, customersPerRun: 0 })).length > 0) out.waitingRunId = handle.workflowId;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return out;
}
