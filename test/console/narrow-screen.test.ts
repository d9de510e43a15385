import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/server/console/password-hash.js';
import { axeViolations, launchBrowser, signedInBrowser, screenshot } from '../support/console-browser.js';
import { startConsoleServer } from '../support/console-server.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const PASSWORD = 'vera-looks-456';
/** A phone's screen, as people hold it. */
const PHONE = { width: 390, height: 844 };

describe('the console on a phone', () => {
  let h: SyncHarness;
  let server: FastifyInstance;
  let base: string;
  let browser: Browser;
  let vera: BrowserContext;

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'custsync-narrow-')), 'companies.jsonl');
    const company = (n: number) => ({
      externalId: `N-${n}`,
      type: 'COMPANY',
      name: { companyName: `Nordlys Handelskompani Avdeling ${n} AS` },
      addresses: [{ type: 'billing', line1: 'Storgata 123, bakgården, 3. etasje', city: 'Trondheim', zip: '7011', country: 'NO' }],
      customerContactDetails: [{ kind: 'email', value: `innkjop.avdeling-${n}@nordlys-handelskompani.example.no` }],
    });
    writeFileSync(file, `${[1, 2, 3].map((n) => JSON.stringify(company(n))).join('\n')}\n`);
    h = await startSyncHarness({
      connectors: { companies: { type: 'jsonl-file', path: file } },
      flows: { companies: { source: { type: 'connector', connector: 'companies', aspects: ['name', 'addresses', 'customerContactDetails'] }, schedule: false } },
      console: { users: { vera: { role: 'viewer', passwordHash: await hashPassword(PASSWORD) } } },
    });
    expect((await h.run('companies')).totals.created).toBe(3);
    ({ app: server, url: base } = await startConsoleServer(h));
    browser = await launchBrowser();
    vera = await signedInBrowser(browser, base, 'vera', PASSWORD, { viewport: PHONE, bypassCSP: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  it('fits every page to a 390 px wide screen: wide tables scroll inside their own box, the page never sideways', async () => {
    const customer = await h.db.db.selectFrom('customers').select('id').where('source_id', '=', 'N-1').executeTakeFirstOrThrow();
    const run = await h.db.db.selectFrom('sync_runs').select('id').executeTakeFirstOrThrow();
    const pages = { overview: '/', runs: '/runs', run: `/run?id=${encodeURIComponent(run.id)}`, customers: '/customers?q=Nordlys', customer: `/customers/${customer.id}`, review: '/review', deletions: '/deletions', pushes: '/pushes', schedules: '/schedules' };
    const page = await vera.newPage();
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(path);
      expect(await page.locator('h1').count(), name).toBe(1);
      const widths = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
        return { scroll: d.documentElement.scrollWidth, client: d.documentElement.clientWidth };
      });
      expect(widths.scroll, `${name} scrolls sideways`).toBeLessThanOrEqual(widths.client);
      expect((await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical'), name).toEqual([]);
      await screenshot(page, `phone-${name}`);
      if (name === 'customer') {
        // Its table of values is wider than the screen: it scrolls inside its box, which takes keyboard focus to do so.
        const boxes = await page.locator('.table-box').evaluateAll((els) =>
          els.map((e) => {
            const box = e as unknown as { scrollWidth: number; clientWidth: number; tabIndex: number };
            return { scroll: box.scrollWidth, client: box.clientWidth, tabIndex: box.tabIndex };
          }),
        );
        expect(boxes.some((b) => b.scroll > b.client && b.tabIndex === 0)).toBe(true);
      }
    }
    await page.close();
  });
});
