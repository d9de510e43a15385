import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { installWorkerRuntime, workflowsPath } from '../../src/worker.js';

const HISTORIES = fileURLToPath(new URL('../histories/', import.meta.url));
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

/**
 * Workflow code must replay every recorded history without non-determinism.
 * Record a new one with: CUSTSYNC_RECORD_HISTORY=test/histories/<name>.json npx vitest run test/integration/enrichment.test.ts
 */
describe('replaying recorded customerSyncWorkflow histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`replays ${file} with the current workflow code`, async () => {
      installWorkerRuntime();
      const history = JSON.parse(readFileSync(`${HISTORIES}${file}`, 'utf8')) as { events: unknown[] };
      expect(history.events.length).toBeGreaterThan(10);
      await Worker.runReplayHistory({ workflowsPath }, history, `replay-${file}`);
    });
  }
});
