/**
 * The load side of `npm run bench:api`, in a process of its own so that the server measured
 * does not share its event loop with its clients. Reads a job as JSON on argv[2], writes
 * `{ seconds, latencies }` as JSON on stdout.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { benchCustomer } from './api-bench-customers.js';

export interface LoadJob {
  baseUrl: string;
  token: string;
  kind: 'get' | 'upsert';
  /** get: a file with one customer id per line. */
  idsFile?: string;
  /** upsert: the source ids' connector. */
  system?: string;
  /** Customers there are: item `i` writes customer `(first + i) % customers`. */
  customers: number;
  first: number;
  count: number;
  clients: number;
}

const job = JSON.parse(process.argv[2]!) as LoadJob;
const ids = job.idsFile ? readFileSync(job.idsFile, 'utf8').split('\n').filter(Boolean) : [];
const headers = { authorization: `Bearer ${job.token}` };

async function one(i: number): Promise<void> {
  const response =
    job.kind === 'get'
      ? await fetch(`${job.baseUrl}/api/v1/customers/${ids[(i * 7_919) % ids.length]}`, { headers })
      : await fetch(`${job.baseUrl}/api/v1/customers/${job.system}/${benchCustomer((job.first + i) % job.customers).code}`, {
          method: 'PUT',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ customerAttributes: [{ key: 'tier', value: `load-${job.first + i}` }] }),
        });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${job.kind} ${i}: ${response.status} ${text.slice(0, 300)}`);
  if (job.kind === 'upsert' && (JSON.parse(text) as { change: string }).change !== 'updated') throw new Error(`upsert ${i} changed nothing`);
}

const latencies: number[] = [];
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: job.clients }, async () => {
    while (next < job.count) {
      const i = next++;
      const t = performance.now();
      await one(i);
      latencies.push(performance.now() - t);
    }
  }),
);
process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, latencies }));
