import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { customerSyncWorkflow } from '../../src/workflows/customer-sync-workflow.js';
import { launchBrowser, screenshot } from '../support/console-browser.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const company = (id: string) => JSON.stringify({ externalId: id, type: 'COMPANY', name: { companyName: `Company ${id}` } });

describe('replaying a failed run from the Temporal UI', () => {
  let h: SyncHarness;
  let browser: Browser;
  let file: string;
  beforeAll(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'custsync-reset-')), 'accounts.jsonl');
    writeFileSync(file, `${company('R1')}\n{"externalId": "R2", "type": "COMPANY", "name": \n`);
    h = await startSyncHarness({
      connectors: { accounts: { type: 'jsonl-file', path: file } },
      flows: { accounts: { source: { type: 'connector', connector: 'accounts', aspects: ['name'] }, maxRejectedPercent: 0, schedule: false } },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('finds the failed run in the Web UI, resets it there, and the run completes with the fixed file', async () => {
    const handle = await h.start('accounts');
    await expect(handle.result()).rejects.toThrow('Workflow execution failed');
    const failedRunId = (await handle.describe()).runId;
    writeFileSync(file, `${company('R1')}\n${company('R2')}\n`);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${inject('temporalUiUrl')}/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${handle.workflowId}"`)}`);
    await page.getByRole('link', { name: handle.workflowId }).first().click();
    await expect.poll(() => page.url(), { timeout: 20_000 }).toContain(`/workflows/${encodeURIComponent(handle.workflowId)}`);
    const reset = page.getByRole('button', { name: 'Reset' });
    await expect.poll(() => reset.isEnabled(), { timeout: 20_000 }).toBe(true);
    await reset.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // The event picker is a custom listbox: open it, take the first completed workflow task (as `custsync runs retry` does).
    await dialog.locator('#reset-event-id').locator('xpath=..').click({ force: true });
    await page.getByRole('option', { name: /WorkflowTaskCompleted/ }).first().click();
    await dialog.locator('#reset-reason').fill('file fixed');
    await screenshot(page, 'temporal-ui-reset');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const latest = h.client.workflow.getHandle<typeof customerSyncWorkflow>(handle.workflowId);
    await expect.poll(async () => (await latest.describe()).runId, { timeout: 20_000 }).not.toBe(failedRunId);
    const report = await h.client.workflow.getHandle<typeof customerSyncWorkflow>(handle.workflowId, (await latest.describe()).runId).result();
    expect(report).toMatchObject({ runId: handle.workflowId, status: 'completed', totals: { created: 2 } });
    const history = JSON.stringify(await latest.fetchHistory());
    expect(history).toContain('file fixed');
    const newRun = (await latest.describe()).runId;
    await page.goto(`${inject('temporalUiUrl')}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}/${newRun}/history`);
    await expect.poll(() => page.getByText('Workflow Execution Completed').first().isVisible(), { timeout: 20_000 }).toBe(true);
    await screenshot(page, 'temporal-ui-after-reset');
  });
});
