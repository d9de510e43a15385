import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalOms } from '../../src/tooling/local-oms.js';
import { axeViolations, launchBrowser, screenshot, signedInBrowser } from '../support/console-browser.js';
import { csrfIn, postDecision, reviewersSignedInWith, signedInContext, startConsoleServer } from '../support/console-server.js';
import { erpAndOmsConfig, startOmsWithAcme } from '../support/duplicate-sources.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const PASSWORDS = { ana: 'ana-reviews-123', bob: 'bob-reviews-456' };

describe('possible duplicates in the console', () => {
  let oms: LocalOms;
  let h: SyncHarness;
  let server: FastifyInstance;
  let base: string;
  let browser: Browser;
  let ana: BrowserContext;

  beforeAll(async () => {
    oms = await startOmsWithAcme();
    oms.businessCustomers.set('B-201', { customerId: 'B-201', name: 'Acme Botique', address: { city: 'New York', postalCode: '10010', countryCode: 'US' } });
    h = await startSyncHarness({ ...erpAndOmsConfig(oms), console: await reviewersSignedInWith(PASSWORDS) });
    await h.run('erp');
    await h.run('oms');
    ({ app: server, url: base } = await startConsoleServer(h, { sessionKeyByte: 13 }));
    browser = await launchBrowser();
    // The page's accessibility is checked by axe-core, which runs as an inline script.
    ana = await signedInBrowser(browser, base, 'ana', PASSWORDS.ana, { bypassCSP: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
    await oms?.close();
  });

  it('leads from the overview to a pair side by side, merges it into the chosen survivor and undoes it', async () => {
    const page = await ana.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: '1 strong' }).click();
    await expect.poll(() => page.url()).toBe(`${base}/duplicates?strength=strong`);
    const row = page.getByRole('row', { name: /Compare/ });
    await expect.poll(() => row.textContent()).toContain('email jane.roe@acme.example');
    await screenshot(page, 'duplicates');
    await row.getByRole('link', { name: /Compare/ }).click();
    const companyName = page.getByRole('row', { name: /^name\.companyName/ });
    await expect.poll(() => companyName.textContent()).toContain('Acme Boutique (erp)');
    expect(await companyName.textContent()).toContain('ACME Boutique Inc. (oms)');
    await screenshot(page, 'duplicate-item');
    const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious).toEqual([]);

    await page.getByLabel(/ACME Boutique Inc\. \(oms:B-200\)/).check();
    await page.getByRole('button', { name: 'Merge into one customer' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/merged into customer/);
    const oms200 = await h.db.db.selectFrom('customers').select(['id', 'merged_into']).where('source_id', '=', 'B-200').executeTakeFirstOrThrow();
    const c1001 = await h.db.db.selectFrom('customers').select(['merged_into']).where('source_id', '=', 'C1001').executeTakeFirstOrThrow();
    expect({ oms: oms200.merged_into, erp: c1001.merged_into }).toEqual({ oms: null, erp: oms200.id });

    await page.getByRole('button', { name: 'Undo the merge' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/undone: two customers again, kept apart/);
    const after = await h.db.db.selectFrom('customers').select(['merged_into']).where('source_id', '=', 'C1001').executeTakeFirstOrThrow();
    expect(after.merged_into).toBeNull();
    await page.goto('/duplicates');
    await expect.poll(() => page.getByRole('table', { name: 'Decided lately' }).textContent()).toContain('kept-apart');
    await page.close();
  });

  it('takes the first of two decisions on one pair sent at once and refuses the other, naming who decided', async () => {
    const [pair] = await h.db.db.selectFrom('duplicate_candidates').select('id').where('status', '=', 'open').execute();
    const id = String(pair!.id);
    const [annie, bob] = await Promise.all([signedInContext(base, 'ana', PASSWORDS.ana), signedInContext(base, 'bob', PASSWORDS.bob)]);
    const [anaCsrf, bobCsrf] = await Promise.all([csrfIn(annie, `/duplicates/item?id=${id}`), csrfIn(bob, `/duplicates/item?id=${id}`)]);
    const answers = await Promise.all([
      postDecision(annie, '/duplicates/decide', { _csrf: anaCsrf, id, decision: 'merge' }),
      postDecision(bob, '/duplicates/decide', { _csrf: bobCsrf, id, decision: 'keep-apart' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 409]);
    const winner = answers[0].status === 303 ? { who: 'ana', status: 'merged' } : { who: 'bob', status: 'kept-apart' };
    expect(answers.find((a) => a.status === 409)!.text).toContain(`already decided: ${winner.status} by user:${winner.who}`);
    await Promise.all([annie.dispose(), bob.dispose()]);
  });
});
