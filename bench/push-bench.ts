/**
 * `npm run bench:push`: outbound push throughput and order-to-customer latency, through a
 * real Temporal dev server, PostgreSQL and an OMS-like HTTP server on 127.0.0.1.
 *
 * - push: a run creates N customers of a flow with `pushTo: [oms]`; measured from the run's
 *   end until every customer is pushed (created in the OMS, its id stored), against a
 *   baseline of the same N create requests sent in a plain sequential loop (with `fetch`, and
 *   with undici's `request`, the connector's own client). The OMS runs in a process of its
 *   own, as a remote API does.
 * - orders: M orders for customers the platform does not know, one after another; each
 *   measured from the signed event until its run's report.
 *
 * Options: --customers N (default 2000), --orders M (default 20), --api-latency-ms L (each OMS
 * answer waits L ms, as a remote API would; default 0).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { request } from 'undici';
import { orderRunOutcome, submitOrderEvent } from '../src/operations/orders/submit-order-event.js';
import { configSchema } from '../src/config/config-schema.js';
import { planFlow, runKey, runWorkflowId } from '../src/config/flow-plan.js';
import { planOrderSync } from '../src/config/order-plan.js';
import { connectDatabase } from '../src/db/connect.js';
import { pendingPushCount } from '../src/db/repositories/customer-pushes.js';
import { startTemporalDevServer } from '../src/tooling/dev-server.js';
import { freePort } from '../src/tooling/free-port.js';
import { createCustsyncWorker, installWorkerRuntime } from '../src/worker.js';
import { intArg } from './bench-args.js';
import { createBenchDatabase, DEFAULT_BENCH_SERVER_URL, dropBenchDatabase } from './bench-database.js';
import { startOmsProcess } from './oms-process.js';

const arg = intArg;
const CUSTOMERS = arg('customers', 2_000);
const ORDERS = arg('orders', 20);
const LATENCY_MS = process.argv.includes('--api-latency-ms') ? arg('api-latency-ms', 0) : 0;
const log = (line: string) => process.stderr.write(`[bench:push] ${line}\n`);
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

async function main(): Promise<void> {
  installWorkerRuntime();
  const work = mkdtempSync(join(tmpdir(), 'custsync-push-bench-'));
  const server = await startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: join(work, 'temporal.sqlite') });
  const dbName = `custsync_push_bench_${randomBytes(3).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL ? new URL('/', process.env.DATABASE_URL).toString() : DEFAULT_BENCH_SERVER_URL;
  const dbUrl = await createBenchDatabase(serverUrl, dbName);
  const database = connectDatabase({ url: dbUrl, max: 8 });
  const oms = await startOmsProcess();
  await oms.setLatency(LATENCY_MS);
  try {
    const crm = join(work, 'crm.jsonl');
    writeFileSync(
      crm,
      Array.from({ length: CUSTOMERS }, (_, i) =>
        JSON.stringify({
          externalId: `B${i + 1}`,
          type: 'COMPANY',
          name: { companyName: `Bench Co ${i + 1}` },
          customerContactDetails: [{ kind: 'email', value: `post${i + 1}@bench.example` }],
          addresses: [{ code: 'main', type: 'billing', line1: `Street ${i + 1}`, city: 'Oslo', zip: '0150', country: 'NO' }],
        }),
      ).join('\n') + '\n',
    );
    const aspects = ['name', 'addresses', 'customerContactDetails', 'relations'];
    const config = configSchema.parse({
      connectors: { crm: { type: 'jsonl-file', path: crm }, oms: { type: 'oms', baseUrl: oms.baseUrl } },
      flows: {
        crm: { source: { type: 'connector', connector: 'crm', aspects }, schedule: false, pushTo: ['oms'] },
        shop: { source: { type: 'connector', connector: 'oms', aspects }, schedule: false },
      },
      push: { coalesce: '100ms', idle: '2s' },
    });
    const temporal = { address: server.address, namespace: 'default', taskQueue: 'push-bench' };
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await createCustsyncWorker({ config, database, temporal, connection: nativeConnection, maxConcurrentActivityTaskExecutions: 8 });
    const running = worker.run();
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });

    log(`sync run: ${CUSTOMERS} customers of a flow pushing to the OMS`);
    const runStart = performance.now();
    await client.workflow.execute('customerSyncWorkflow', {
      taskQueue: temporal.taskQueue,
      workflowId: runWorkflowId('crm', runKey(new Date())),
      args: [planFlow(config, 'crm', { trigger: 'bench' })],
    });
    const runEnd = performance.now();
    for (;;) {
      if ((await pendingPushCount(database.db)) === 0 && (await oms.counts()).business >= CUSTOMERS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const pushSeconds = (performance.now() - runEnd) / 1000;

    log('baseline: the same creates in a plain sequential loop, with fetch and with the HTTP client the connector uses (undici)');
    const bodies = (await oms.takeBusinessCustomers()).map((c) => ({ ...c, customerId: undefined }));
    const createsUrl = `${oms.baseUrl}/Customers/BusinessCustomers`;
    const baseStart = performance.now();
    for (const body of bodies) {
      const response = await fetch(createsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await response.text();
    }
    const baselineSeconds = (performance.now() - baseStart) / 1000;
    await oms.takeBusinessCustomers();
    const undiciStart = performance.now();
    for (const body of bodies) {
      const response = await request(createsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await response.body.text();
    }
    const undiciLoopSeconds = (performance.now() - undiciStart) / 1000;

    log(`orders: ${ORDERS} orders for customers the platform does not know`);
    const latencies: number[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const id = `ORDER-CUSTOMER-${i + 1}`;
      await oms.addPrivateCustomer({ customerId: id, firstName: 'Order', lastName: `Customer ${i + 1}` });
      const started = performance.now();
      const plan = planOrderSync(config, 'oms', id, { idleMs: 500 });
      await submitOrderEvent(client, database.db, temporal.taskQueue, plan, { eventId: `bench-${i}`, via: 'cli', receivedAt: new Date().toISOString() });
      const done = await orderRunOutcome(client, database.db, `bench-${i}`, 60_000);
      if (done?.outcome.kind !== 'completed' || done.outcome.report.totals.created !== 1) throw new Error(`order ${i} did not create its customer`);
      latencies.push(performance.now() - started);
    }

    const result = {
      customers: CUSTOMERS,
      apiLatencyMs: LATENCY_MS,
      syncRunSeconds: +((runEnd - runStart) / 1000).toFixed(2),
      pushSeconds: +pushSeconds.toFixed(2),
      pushedPerSecond: Math.round(CUSTOMERS / pushSeconds),
      baselineLoopSeconds: +baselineSeconds.toFixed(2),
      baselinePerSecond: Math.round(CUSTOMERS / baselineSeconds),
      pushToBaselineRatio: +(baselineSeconds / pushSeconds).toFixed(2),
      undiciLoopPerSecond: Math.round(CUSTOMERS / undiciLoopSeconds),
      pushToUndiciLoopRatio: +(undiciLoopSeconds / pushSeconds).toFixed(2),
      orders: ORDERS,
      orderLatencyP50Ms: Math.round(percentile(latencies, 50)),
      orderLatencyP95Ms: Math.round(percentile(latencies, 95)),
    };
    console.log(JSON.stringify(result, null, 2));
    worker.shutdown();
    await running;
    await nativeConnection.close();
  } finally {
    await oms.stop();
    await database.destroy();
    await dropBenchDatabase(serverUrl, dbName);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
