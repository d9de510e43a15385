import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { installWorkerRuntime, workflowsPath } from '../../src/worker.js';

const HISTORIES = fileURLToPath(new URL('../histories/', import.meta.url));
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

interface RecordedEvent {
  startChildWorkflowExecutionInitiatedEventAttributes?: { workflowId?: string };
}

/** A run's child ids derive from the run's own id: a history that started one is replayed under that id. */
function recordedWorkflowId(events: RecordedEvent[]): string | undefined {
  const child = events.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)?.startChildWorkflowExecutionInitiatedEventAttributes;
  return child?.workflowId?.replace(/\/deletions$/, '');
}

/**
 * Workflow code must replay every recorded history without non-determinism.
 * Record a new one with: CUSTSYNC_RECORD_HISTORY=test/histories/<name>.json npx vitest run test/integration/enrichment.test.ts
 * (a plain run), or CUSTSYNC_RECORD_HISTORIES=test/histories npx vitest run test/integration/deletion-propagation.test.ts
 * (a run waiting for approval of deletions, and its grace-period workflow), or
 * CUSTSYNC_RECORD_HISTORIES=test/histories npx vitest run test/integration/order-sync.test.ts (a customer's
 * order workflow after a burst of orders, and an order run), or the same with
 * test/integration/outbound-push.test.ts (a push workflow backing off after 503s, and one woken by a run), or
 * the same with test/integration/lost-staging-restarts.test.ts (a run that lost its staging and began again).
 */
describe('replaying recorded workflow histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`replays ${file} with the current workflow code`, async () => {
      installWorkerRuntime();
      const history = JSON.parse(readFileSync(`${HISTORIES}${file}`, 'utf8')) as { events: RecordedEvent[] };
      expect(history.events.length).toBeGreaterThan(10);
      await Worker.runReplayHistory({ workflowsPath }, history, recordedWorkflowId(history.events) ?? `replay-${file}`);
    });
  }
});
