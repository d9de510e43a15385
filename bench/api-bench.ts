/**
 * `npm run bench:api`: the customer API on 127.0.0.1 against stored customers (default 100,000),
 * each figure beside a bound measured in the same run:
 * - a bulk upsert of every customer through `POST /api/v1/customers/bulk` against `custsync import`
 *   of the same rows (a CSV file in the import layout), each into an empty database;
 * - `GET /api/v1/customers/{id}` and single upserts one at a time: p50 and p95;
 * - upserts from 16 concurrent clients: per second, against the same changes written as plain
 *   `INSERT … ON CONFLICT` statements over `pg` at the same concurrency.
 * Options: --customers N, --gets N, --upserts N, --concurrent-upserts N, --clients N.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { startImport } from '../src/operations/import-customers.js';
import { startApiSandbox } from './api-sandbox.js';
import { BENCH_CSV_HEADER, benchCustomer } from './api-bench-customers.js';
import type { LoadJob } from './api-bench-load.js';
import { intArg, ms, percentile } from './bench-args.js';

const arg = intArg;
const CUSTOMERS = arg('customers', 100_000);
const GETS = arg('gets', 2_000);
const UPSERTS = arg('upserts', 1_000);
const CONCURRENT_UPSERTS = arg('concurrent-upserts', 4_000);
const CLIENTS = arg('clients', 16);
const SYSTEM = 'bench';
const log = (line: string) => process.stderr.write(`[bench:api] ${line}\n`);

/** Runs a load job in a process of its own (see api-bench-load.ts), without blocking this one: the server answers from here. */
async function load(job: Omit<LoadJob, 'baseUrl' | 'token' | 'customers'>): Promise<{ seconds: number; latencies: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/api-bench-load.ts', JSON.stringify({ ...job, baseUrl: sandbox.baseUrl, token: sandbox.tokens.bench, customers: CUSTOMERS })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the load process failed: ${err}`);
  return JSON.parse(out) as { seconds: number; latencies: number[] };
}

/** Runs `work` for items 0..count-1 with `clients` at a time. */
async function concurrently(count: number, clients: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

const work = mkdtempSync(join(tmpdir(), 'custsync-api-bench-'));
const sandbox = await startApiSandbox({ tokens: { bench: { system: SYSTEM, scopes: ['read', 'write', 'admin'] } }, log });
const auth = { authorization: `Bearer ${sandbox.tokens.bench}` };
const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${sandbox.baseUrl}/api/v1${path}`, {
    method,
    headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
};
const emptyTables = async () => {
  const client = new pg.Client({ connectionString: sandbox.databaseUrl });
  await client.connect();
  await client.query('truncate customers, external_ids, change_log, sync_runs cascade');
  await client.end();
};

try {
  log(`${CUSTOMERS} customers: writing them as an import CSV and as JSON records`);
  const csvFile = join(work, 'customers.csv');
  const records: unknown[] = [];
  const lines = [BENCH_CSV_HEADER];
  for (let i = 0; i < CUSTOMERS; i++) {
    const c = benchCustomer(i);
    lines.push(c.csv);
    records.push(c.record);
  }
  writeFileSync(csvFile, `${lines.join('\n')}\n`);

  log('custsync import of the CSV file');
  const importStart = performance.now();
  const handle = await startImport({ client: sandbox.client, temporal: sandbox.temporal }, csvFile, { as: SYSTEM });
  const imported = await handle.result();
  const importSeconds = (performance.now() - importStart) / 1000;
  if (imported.totals.created !== CUSTOMERS) throw new Error(`the import created ${imported.totals.created} customers, not ${CUSTOMERS}`);
  await emptyTables();

  log('POST /api/v1/customers/bulk of the same customers');
  const bulkStart = performance.now();
  const accepted = (await api('POST', '/customers/bulk', { records })) as { runId: string };
  const bulkAcceptedSeconds = (performance.now() - bulkStart) / 1000;
  const bulk = (await sandbox.client.workflow.getHandle(accepted.runId).result()) as { totals: { created: number } };
  const bulkSeconds = (performance.now() - bulkStart) / 1000;
  if (bulk.totals.created !== CUSTOMERS) throw new Error('the bulk upsert did not create every customer');

  const idsFile = join(work, 'ids.txt');
  writeFileSync(idsFile, (await sandbox.database.db.selectFrom('customers').select('id').orderBy('id').execute()).map((r) => r.id).join('\n'));

  log(`GET /api/v1/customers/{id}: ${GETS} one at a time`);
  const gets = (await load({ kind: 'get', idsFile, first: 0, count: GETS, clients: 1 })).latencies;

  log(`PUT /api/v1/customers/${SYSTEM}/{code}: ${UPSERTS} one at a time, each a change`);
  const upserts = (await load({ kind: 'upsert', system: SYSTEM, first: 0, count: UPSERTS, clients: 1 })).latencies;

  log(`PUT by ${CLIENTS} concurrent clients: ${CONCURRENT_UPSERTS} upserts, each a change`);
  const concurrent = await load({ kind: 'upsert', system: SYSTEM, first: UPSERTS, count: CONCURRENT_UPSERTS, clients: CLIENTS });
  const concurrentLatencies = concurrent.latencies;
  const concurrentSeconds = concurrent.seconds;

  log(`bound: the same number of upserts as plain INSERT … ON CONFLICT over pg, ${CLIENTS} connections`);
  const ids = readFileSync(idsFile, 'utf8').split('\n');
  const pick = (i: number) => ids[(i * 7_919) % ids.length]!;
  const pool = new pg.Pool({ connectionString: sandbox.databaseUrl, max: CLIENTS });
  const boundStart = performance.now();
  await concurrently(CONCURRENT_UPSERTS, CLIENTS, async (i) => {
    await pool.query(
      `insert into customers (id, type, first_name, source_connector, source_id, content_hash, merged, created_run_id, updated_run_id)
       select id, type, first_name, source_connector, source_id, $2, merged || jsonb_build_object('bound', $3::text), created_run_id, 'bound'
       from customers where id = $1
       on conflict (id) do update set content_hash = excluded.content_hash, merged = excluded.merged, updated_run_id = excluded.updated_run_id, updated_at = now()`,
      [pick(i), `bound-${i}`, `bound-${i}`],
    );
  });
  const boundSeconds = (performance.now() - boundStart) / 1000;
  await pool.end();

  const perSecond = CONCURRENT_UPSERTS / concurrentSeconds;
  const boundPerSecond = CONCURRENT_UPSERTS / boundSeconds;
  const result = {
    customers: CUSTOMERS,
    importSeconds: +importSeconds.toFixed(1),
    bulkSeconds: +bulkSeconds.toFixed(1),
    bulkToImportRatio: +(bulkSeconds / importSeconds).toFixed(2),
    bulkAcceptedSeconds: +bulkAcceptedSeconds.toFixed(1),
    getById: { requests: GETS, p50Ms: ms(percentile(gets, 50)), p95Ms: ms(percentile(gets, 95)) },
    singleUpsert: { requests: UPSERTS, p50Ms: ms(percentile(upserts, 50)), p95Ms: ms(percentile(upserts, 95)) },
    concurrentUpserts: {
      clients: CLIENTS,
      requests: CONCURRENT_UPSERTS,
      perSecond: Math.round(perSecond),
      p95Ms: ms(percentile(concurrentLatencies, 95)),
      boundPerSecond: Math.round(boundPerSecond),
      ratioToBound: +(perSecond / boundPerSecond).toFixed(3),
    },
    targets: {
      getByIdP95Within20Ms: percentile(gets, 95) <= 20,
      singleUpsertP95Within50Ms: percentile(upserts, 95) <= 50,
      atLeast400UpsertsPerSecond: perSecond >= 400,
      bulkWithin1_2xImport: bulkSeconds <= 1.2 * importSeconds,
    },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
}
