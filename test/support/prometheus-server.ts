import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/tooling/free-port.js';

/** A real Prometheus (Debian's, scripts/ensure-prometheus.sh) on 127.0.0.1, scraping the given targets every second. */
export interface TestPrometheus {
  url: string;
  /** An instant query's samples: labels and value. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** The loaded rule groups, as /api/v1/rules answers. */
  rules(): Promise<{ name: string; rules: { name: string; health: string; lastError?: string; lastEvaluation: string; state?: string }[] }[]>;
  stderr(): string;
  stop(): Promise<void>;
}

interface Answer<T> {
  status: string;
  data: T;
  error?: string;
}

async function api<T>(url: string): Promise<T> {
  const answer = (await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).json()) as Answer<T>;
  if (answer.status !== 'success') throw new Error(`Prometheus: ${answer.error ?? answer.status} (${url})`);
  return answer.data;
}

/** Starts Prometheus with one job per target (`job name → host:port/path`) and the rule files given. */
export async function startPrometheus(targets: Record<string, string>, ruleFiles: string[] = []): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'custsync-prometheus-'));
  const port = await freePort();
  const jobs = Object.entries(targets).map(([job, target]) => {
    const url = new URL(`http://${target}`);
    return { job_name: job, metrics_path: url.pathname === '/' ? '/metrics' : url.pathname, static_configs: [{ targets: [url.host] }] };
  });
  // JSON is YAML: the config needs no YAML writer.
  writeFileSync(
    join(dir, 'prometheus.yml'),
    JSON.stringify({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, rule_files: ruleFiles, scrape_configs: jobs }),
  );
  const child = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus did not get ready within 60 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    stderr: () => stderr,
    async query(expr) {
      const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async rules() {
      return (await api<{ groups: Awaited<ReturnType<TestPrometheus['rules']>> }>(`${url}/api/v1/rules`)).groups;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
