/**
 * `npm run bench:sources`: N records of `airbyte-source-faker`'s `users` stream read through
 * custsync into customers (a sync run through a real Temporal dev server, a worker in its own
 * process and PostgreSQL), beside the bound measured in the same run: the source's own `read`
 * of the same records into /dev/null, and custsync's import of the same customers from a
 * JSON-lines file (what the import costs without a source process). Target: the sync within
 * 1.3× (source read + JSON-lines import); the worker's peak RSS is printed to compare across N.
 *
 * Options: --records N (default 100000). Installs the pinned faker (scripts/source-packages.txt) where
 * the tests keep it (~/.cache/custsync/sources).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { configSchema } from '../src/config/config-schema.js';
import { planFlow, runKey, runWorkflowId } from '../src/config/flow-plan.js';
import { recordMapper } from '../src/connectors/record-mapping/map-record.js';
import { recordMappingSchema } from '../src/connectors/record-mapping/record-mapping-schema.js';
import type { RunReport } from '../src/domain/run-types.js';
import { startTemporalDevServer } from '../src/tooling/dev-server.js';
import { freePort } from '../src/tooling/free-port.js';
import { sourcePackage } from '../test/support/source-packages.js';
import { intArg } from './bench-args.js';
import { createBenchDatabase, DEFAULT_BENCH_SERVER_URL, dropBenchDatabase } from './bench-database.js';
import { startWorkerProcess } from './worker-process.js';

const RECORDS = intArg('records', 100_000);
const log = (line: string) => process.stderr.write(`[bench:sources] ${line}\n`);

const FAKER_CONFIG = { count: RECORDS, seed: 3, always_updated: false, parallelism: 1, records_per_slice: 1000 };
const MAPPING = {
  externalId: { path: 'id', transform: ['string'] },
  type: 'PERSON',
  name: { firstName: 'name' },
  addresses: [{ type: { const: 'other' }, line1: { join: ['address.street_number', 'address.street_name'] }, city: 'address.city', zip: 'address.postal_code', country: 'address.country_code' }],
  contactDetails: [
    { kind: 'email', value: 'email' },
    { kind: 'phone', value: 'telephone' },
  ],
  attributes: { occupation: 'occupation', nationality: 'nationality' },
};
const ASPECTS = ['name', 'addresses', 'customerContactDetails', 'customerAttributes'];

/** Runs the source's own read; writes its records' data as JSON lines when `jsonl` is given; seconds. */
async function sourceRead(executable: string, folder: string, jsonl?: string): Promise<number> {
  const catalog = { streams: [{ stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
  writeFileSync(join(folder, 'config.json'), JSON.stringify(FAKER_CONFIG));
  writeFileSync(join(folder, 'catalog.json'), JSON.stringify(catalog));
  const started = performance.now();
  const child = spawn(executable, ['read', '--config', join(folder, 'config.json'), '--catalog', join(folder, 'catalog.json')], { stdio: ['ignore', 'pipe', 'ignore'] });
  const out = jsonl ? createWriteStream(jsonl) : undefined;
  const map = recordMapper(recordMappingSchema.parse(MAPPING));
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    if (!out || !line.includes('"RECORD"')) continue;
    const mapped = map((JSON.parse(line) as { record: { data: unknown } }).record.data);
    if (mapped.ok && !out.write(`${JSON.stringify(mapped.record)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`source-faker exited ${String(code)}`)))));
  const seconds = (performance.now() - started) / 1000;
  if (out) await new Promise<void>((resolve) => out.end(() => resolve()));
  return seconds;
}

async function main(): Promise<void> {
  log('installing the pinned airbyte-source-faker (kept when installed)');
  const executable = (await sourcePackage('airbyte-source-faker')).executables[0]!;
  const work = mkdtempSync(join(tmpdir(), 'custsync-sources-bench-'));

  log(`the bound: source-faker's own read of ${RECORDS.toLocaleString('en')} users into /dev/null`);
  const rawSeconds = await sourceRead(executable, work);
  const jsonl = join(work, 'users.jsonl');
  await sourceRead(executable, work, jsonl);

  const server = await startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: join(work, 'temporal.sqlite') });
  const serverUrl = process.env.DATABASE_URL ? new URL('/', process.env.DATABASE_URL).toString() : DEFAULT_BENCH_SERVER_URL;
  const names = ['source', 'jsonl'].map((what) => `custsync_sources_bench_${what}_${randomBytes(3).toString('hex')}`);
  try {
    const results: Record<string, { seconds: number; report: RunReport; peakMb: number; startupMb: number }> = {};
    for (const [i, what] of (['source', 'jsonl'] as const).entries()) {
      const dbUrl = await createBenchDatabase(serverUrl, names[i]!);
      const configFile = join(work, `${what}.config.json`);
      const connector = what === 'source' ? { type: 'airbyte-source', executable, config: FAKER_CONFIG, stream: 'users', mapping: MAPPING } : { type: 'jsonl-file', path: jsonl };
      const config = { connectors: { users: connector }, flows: { users: { source: { type: 'connector', connector: 'users', aspects: ASPECTS }, schedule: false, heartbeatTimeout: '60s' } } };
      configSchema.parse(config);
      writeFileSync(configFile, JSON.stringify(config));
      const taskQueue = `sources-bench-${what}`;
      const worker = await startWorkerProcess({ databaseUrl: dbUrl, temporalAddress: server.address, taskQueue, configFile });
      const client = new Client({ connection: await Connection.connect({ address: server.address }) });
      await worker.resetPeak();
      log(`sync of the users through ${what === 'source' ? 'the airbyte-source connector' : 'a JSON-lines file of the same customers'}`);
      const started = performance.now();
      const report = await client.workflow.execute<(input: unknown) => Promise<RunReport>>('customerSyncWorkflow', {
        taskQueue,
        workflowId: runWorkflowId('users', runKey(new Date())),
        args: [planFlow(configSchema.parse(config), 'users', { trigger: 'bench' })],
      });
      const seconds = (performance.now() - started) / 1000;
      const stopped = await worker.stop();
      await client.connection.close();
      if (report.totals.created !== RECORDS) throw new Error(`${what}: created ${report.totals.created} of ${RECORDS}`);
      results[what] = { seconds, report, peakMb: stopped.peakBytes / 2 ** 20, startupMb: worker.startupPeakBytes / 2 ** 20 };
    }
    const bound = rawSeconds + results.jsonl!.seconds;
    const result = {
      records: RECORDS,
      sourceReadSeconds: +rawSeconds.toFixed(2),
      jsonlImportSeconds: +results.jsonl!.seconds.toFixed(2),
      boundSeconds: +bound.toFixed(2),
      syncSeconds: +results.source!.seconds.toFixed(2),
      syncToBound: +(results.source!.seconds / bound).toFixed(2),
      workerPeakRssMb: Math.round(results.source!.peakMb),
      workerStartupRssMb: Math.round(results.source!.startupMb),
      jsonlWorkerPeakRssMb: Math.round(results.jsonl!.peakMb),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const name of names) await dropBenchDatabase(serverUrl, name).catch(() => undefined);
    await server.stop();
    execFileSync('rm', ['-rf', work]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
