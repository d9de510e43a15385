import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load-config.js';
import { custsync } from '../support/run-cli.js';
import { dockerfileProcessEnv } from '../../bench/dockerfile-env.js';

const run = promisify(execFile);
const at = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const read = (path: string) => readFileSync(at(path), 'utf8');

interface ComposeService {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  stop_grace_period?: string;
  deploy?: { replicas?: number };
}
const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1] ?? NaN);
const DEFAULT_GRACE = parseConfig('connectors: {}\nflows: {}\n', 'inline', '/').worker.shutdownGraceSeconds;

/**
 * The Compose Specification's JSON schema, as Docker Compose itself validates with: from the
 * compose-go module (Go's module proxy, through `go mod download`; no Docker engine needed).
 */
const COMPOSE_GO = 'github.com/compose-spec/compose-go/v2@v2.16.2';
async function composeSchema(): Promise<Record<string, unknown>> {
  const { stdout } = await run('go', ['mod', 'download', '-json', COMPOSE_GO], { env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' } });
  const module = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!module.Dir) throw new Error(`go mod download ${COMPOSE_GO}: ${module.Error ?? 'no folder'}`);
  return JSON.parse(readFileSync(join(module.Dir, 'schema', 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
}

/** The arguments after `--metrics` or `--port` in a command line. */
const argAfter = (args: readonly string[] | undefined, flag: string) => args?.[args.indexOf(flag) + 1];

describe('docker-compose.yml', () => {
  it('is a valid Compose file (the Compose specification’s JSON schema)', { timeout: 120_000 }, async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(await composeSchema());
    const valid = validate(parse(composeText, { merge: true }));
    expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs the server from temporalio/server after a schema one-shot (no deprecated auto-setup), and pins every image', () => {
    expect(composeText).not.toContain('auto-setup');
    expect(services.temporal!.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(services.temporal!.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(services['temporal-namespace']!.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    for (const [name, service] of Object.entries(services)) {
      if (service.image !== 'custsync:latest') expect(service.image, name).toMatch(/:[\w.-]*\d[\w.-]*$/);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(at(source)), `${name} mounts ${source}`).toBe(true);
      }
    }
  });

  it('waits only on services that exist, and on health only where a health check says it', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        if (condition === 'service_healthy') expect((services[dependency] as { healthcheck?: unknown }).healthcheck, `${dependency} (for ${name})`).toBeDefined();
        if (condition === 'service_completed_successfully') expect((services[dependency] as { restart?: string }).restart, dependency).toMatch(/^(no|on-failure(:\d+)?)$/);
      }
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^"?\d+:\d+"?$/);
    }
  });

  it('migrates before any worker or serve starts, runs several workers and serve, and drains workers on stop', () => {
    expect(services.migrate!.command).toEqual(['db', 'migrate']);
    for (const name of ['worker', 'serve']) {
      expect(services[name]!.depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        'temporal-namespace': { condition: 'service_completed_successfully' },
      });
      expect(services[name]!.image).toBe('custsync:latest');
      expect(services[name]!.environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', CUSTSYNC_LOG_FORMAT: 'json' });
    }
    expect(services.worker!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(seconds(services.worker!.stop_grace_period!)).toBeGreaterThan(DEFAULT_GRACE);
    expect(services.serve!.command).toEqual(['serve', '--host', '0.0.0.0', '--port', '8787']);
  });

  it('has Prometheus scrape the services at the ports they serve metrics on, with the alerts', () => {
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    expect(prometheus.rule_files).toEqual(['alerts.yml']);
    const worker = prometheus.scrape_configs.find((j) => j.job_name === 'custsync-worker')!;
    expect(worker.dns_sd_configs).toMatchObject([{ names: ['worker'], port: 9464 }]);
    // The image serves a worker's metrics on :9464 (CUSTSYNC_WORKER_METRICS).
    expect(read('Dockerfile')).toContain('CUSTSYNC_WORKER_METRICS=:9464');
    const serve = prometheus.scrape_configs.find((j) => j.job_name === 'custsync-serve')!;
    expect(serve.static_configs).toEqual([{ targets: [`serve:${argAfter(services.serve!.command, '--port')}`] }]);
    expect(services.prometheus!.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
  });

  it('gives custsync commands the CLI takes', { timeout: 60_000 }, async () => {
    for (const name of ['migrate', 'worker', 'serve']) {
      const args = services[name]!.command!;
      const answer = await custsync([...args, '--help']);
      expect(answer.code, `${name}: ${args.join(' ')}: ${answer.stderr}`).toBe(0);
    }
  });
});

describe('the Dockerfile', () => {
  it('runs as an unprivileged user, with a health check', () => {
    const dockerfile = read('Dockerfile');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*CMD \["node", "bin\/healthcheck.js"\]$/m);
    expect(existsSync(at('bin/healthcheck.js'))).toBe(true);
  });

  it('sets the memory settings the bench runs its compiled worker with', () => {
    expect(dockerfileProcessEnv(at('Dockerfile'))).toEqual({ MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--max-old-space-size=1024' });
  });
});
