/**
 * `npm run bench:console`: every console page with 100,000 customers and 1,000 runs stored, on
 * this machine. Each page is requested `--requests` times, one after another, signed in as a
 * user; its baseline is the page's main query alone — the operation the page calls, in this
 * process, without HTTP or rendering — measured in the same run. Target: every page's p95
 * within 200 ms. It also shows the plan of a customer search: it must use an index.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { consoleOverview } from '../src/operations/console-overview.js';
import { explainCustomerSearch, getCustomer, listCustomerActivities, listCustomers } from '../src/operations/customer-api/read-customers.js';
import { listDeletionApprovals } from '../src/operations/deletions.js';
import { startImport } from '../src/operations/import-customers.js';
import { customerPushes, showPushStatus } from '../src/operations/pushes.js';
import { listHeldCustomers, showHeldCustomer } from '../src/operations/review.js';
import { listRuns, showRun } from '../src/operations/runs.js';
import { listSchedules } from '../src/operations/schedules/list-schedules.js';
import { BENCH_CSV_HEADER, benchCustomer } from './api-bench-customers.js';
import { startApiSandbox } from './api-sandbox.js';
import { intArg, ms, percentile } from './bench-args.js';

const CUSTOMERS = intArg('customers', 100_000);
const RUNS = intArg('runs', 1_000);
const REQUESTS = intArg('requests', 100);
const log = (line: string) => process.stderr.write(`[bench:console] ${line}\n`);

const work = mkdtempSync(join(tmpdir(), 'custsync-console-bench-'));
const sandbox = await startApiSandbox({ tokens: {}, consoleUsers: { bench: { role: 'admin', password: 'bench-password-1' } }, log });
const ops = { db: sandbox.database.db, client: sandbox.client, temporal: sandbox.temporal, config: sandbox.config };

try {
  log(`${CUSTOMERS} customers through custsync import`);
  const csvFile = join(work, 'customers.csv');
  const lines = [BENCH_CSV_HEADER];
  for (let i = 0; i < CUSTOMERS; i++) lines.push(benchCustomer(i).csv);
  writeFileSync(csvFile, `${lines.join('\n')}\n`);
  const imported = await (await startImport(ops, csvFile, { as: 'erp' })).result();
  if (imported.totals.created !== CUSTOMERS) throw new Error(`the import created ${imported.totals.created} customers, not ${CUSTOMERS}`);

  log(`${RUNS - 2} more finished runs, one waiting for a deletion approval of 5,000 customers, 200 held customers, a push state for every customer`);
  const pool = new pg.Pool({ connectionString: sandbox.databaseUrl, max: 2 });
  await pool.query(
    `insert into sync_runs (id, flow, trigger, status, mode, started_at, finished_at, created, updated, unchanged, rejected, error)
     select 'sync/erp/bench-' || lpad(g::text, 5, '0'), 'erp', case when g % 3 = 0 then 'schedule' else 'cli' end,
       case when g % 10 = 0 then 'failed' else 'completed' end, 'full', now() - (g || ' minutes')::interval,
       now() - (g || ' minutes')::interval + interval '20 seconds', g % 50, g % 20, $2::int - g, g % 7, case when g % 10 = 0 then 'bench: a failure' end
     from generate_series(1, $1::int) g`,
    [RUNS - 2, CUSTOMERS],
  );
  const waitingRun = 'sync/erp/bench-waiting';
  await pool.query(
    `insert into sync_runs (id, flow, trigger, status, mode, missing_candidates, source_customers, deletion_status, deletion_status_at)
     values ($1, 'erp', 'schedule', 'running', 'full', 5000, $2, 'awaiting-approval', now())`,
    [waitingRun, CUSTOMERS],
  );
  await pool.query(`insert into sync_run_missing (run_id, customer_id) select $1, id from customers order by id limit 5000`, [waitingRun]);
  await pool.query(
    `insert into pending_customers (flow, source_connector, source_id, status, merged, content_hash, values_hash, input_hash, held_run_id, first_held_run_id, held_at)
     select 'erp', 'erp', 'HELD' || lpad(g::text, 5, '0'), 'pending', (select merged from customers order by id limit 1), 'c', 'v' || g, 'i', $1, $1, now() - (g || ' seconds')::interval
     from generate_series(1, 200) g`,
    [imported.runId],
  );
  await pool.query(
    `insert into customer_pushes (target, customer_id, status, queued_run_id, attempts, last_error, last_action, pushed_at)
     select 'oms', id, case when row_number() over (order by id) % 100 = 0 then 'failed' else 'pushed' end, $1,
       case when row_number() over (order by id) % 100 = 0 then 8 else 1 end,
       case when row_number() over (order by id) % 100 = 0 then 'oms: 422 taxId rejected' end, 'created', now()
     from customers`,
    [imported.runId],
  );
  await pool.query('analyze');
  await pool.end();

  log('signing in');
  const form = async (path: string, cookie?: string) => {
    const page = await fetch(`${sandbox.baseUrl}${path}`, { headers: cookie ? { cookie } : {} });
    const html = await page.text();
    return { token: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '', cookie: page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') || cookie };
  };
  const signInPage = await form('/login');
  const signedIn = await fetch(`${sandbox.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: signInPage.cookie ?? '', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: signInPage.token, name: 'bench', password: 'bench-password-1' }),
  });
  if (signedIn.status !== 303) throw new Error(`signing in answered ${signedIn.status}`);
  const cookie = signedIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

  // A person and a company about halfway through (company i has a VAT number when i % 3 = 0).
  const probe = Math.floor(CUSTOMERS / 2) - (Math.floor(CUSTOMERS / 2) % 3) + 1;
  const someCustomer = (await listCustomers(ops, { text: benchCustomer(probe).code }, { limit: 1 })).customers[0]!;
  const searches = { name: `last${probe}`, vat: `NO${900_000_000 + probe - 1}`, email: `customer${probe}@bench.example` };
  const pages: { name: string; path: string; baseline: () => Promise<unknown> }[] = [
    { name: 'overview', path: '/', baseline: () => consoleOverview(ops) },
    { name: 'runs', path: '/runs', baseline: () => listRuns(ops, { limit: 51 }) },
    { name: 'runs: failed of a flow', path: '/runs?flow=erp&status=failed', baseline: () => listRuns(ops, { flow: 'erp', status: 'failed', limit: 51 }) },
    { name: 'run', path: `/run?id=${encodeURIComponent(imported.runId)}`, baseline: () => showRun(ops, imported.runId, { rejected: 100 }) },
    {
      name: 'review',
      path: '/review',
      baseline: () => Promise.all((['pending', 'approved', 'rejected'] as const).map((status) => listHeldCustomers(ops, { status, limit: 500 }))),
    },
    { name: 'review: one held', path: '/review/item?flow=erp&code=HELD00100', baseline: () => showHeldCustomer(ops, 'HELD00100', { flow: 'erp' }) },
    { name: 'deletions', path: '/deletions', baseline: () => listDeletionApprovals(ops, { customersPerRun: 200 }) },
    { name: 'customers', path: '/customers', baseline: () => listCustomers(ops, {}, { limit: 50 }) },
    { name: 'customers: name search', path: `/customers?q=${searches.name}`, baseline: () => listCustomers(ops, { text: searches.name }, { limit: 50 }) },
    { name: 'customers: VAT number', path: `/customers?q=${searches.vat}`, baseline: () => listCustomers(ops, { text: searches.vat }, { limit: 50 }) },
    { name: 'customers: email', path: `/customers?q=${searches.email}`, baseline: () => listCustomers(ops, { text: searches.email }, { limit: 50 }) },
    {
      name: 'customer',
      path: `/customers/${someCustomer.id}`,
      baseline: () => Promise.all([getCustomer(ops, { id: someCustomer.id }), listCustomerActivities(ops, someCustomer.id, { limit: 100 }), customerPushes(ops, someCustomer.id)]),
    },
    { name: 'pushes', path: '/pushes', baseline: () => showPushStatus(ops) },
    { name: 'schedules', path: '/schedules', baseline: () => listSchedules(ops.client, ops.config) },
  ];

  const time = async (n: number, fn: () => Promise<unknown>) => {
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await fn();
      latencies.push(performance.now() - start);
    }
    return latencies;
  };
  const results = [];
  for (const page of pages) {
    const check = await fetch(`${sandbox.baseUrl}${page.path}`, { headers: { cookie } });
    if (check.status !== 200) throw new Error(`${page.path} answered ${check.status}: ${(await check.text()).slice(0, 300)}`);
    await check.text();
    await time(5, page.baseline);
    const baseline = await time(REQUESTS, page.baseline);
    const answered = await time(REQUESTS, async () => {
      const r = await fetch(`${sandbox.baseUrl}${page.path}`, { headers: { cookie } });
      await r.text();
    });
    const row = {
      page: page.name,
      path: page.path,
      p50Ms: ms(percentile(answered, 50)),
      p95Ms: ms(percentile(answered, 95)),
      baselineP95Ms: ms(percentile(baseline, 95)),
      ratioToBaseline: +(percentile(answered, 95) / Math.max(percentile(baseline, 95), 0.1)).toFixed(2),
    };
    log(`${row.page}: p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms (main query alone p95 ${row.baselineP95Ms} ms)`);
    results.push(row);
  }
  const plans = Object.fromEntries(
    await Promise.all(Object.entries(searches).map(async ([kind, text]) => [kind, await explainCustomerSearch(ops, { text })] as const)),
  );
  const indexesUsed = Object.fromEntries(Object.entries(plans).map(([kind, plan]) => [kind, [...new Set(plan.match(/\b[a-z_]+_(?:idx|pkey)\b/g) ?? [])]]));
  const seqScans = Object.fromEntries(Object.entries(plans).map(([kind, plan]) => [kind, /Seq Scan on customers\b/.test(plan)]));
  console.log(
    JSON.stringify(
      {
        customers: CUSTOMERS,
        runs: RUNS,
        requestsPerPage: REQUESTS,
        pages: results,
        search: { indexesUsed, seqScanOfCustomers: seqScans },
        targets: {
          everyPageP95Within200Ms: results.every((r) => r.p95Ms <= 200),
          searchUsesIndexes: Object.values(seqScans).every((s) => !s) && Object.values(indexesUsed).every((i) => i.length > 0),
        },
      },
      null,
      2,
    ),
  );
} finally {
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
}
