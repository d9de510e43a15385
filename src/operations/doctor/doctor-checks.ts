import { randomBytes } from 'node:crypto';
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import type { Kysely } from 'kysely';
import type { CustsyncConfig } from '../../config/config-schema.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { reachabilityProblems } from '../../config/reachability-problems.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import { connectorModuleOf } from '../../connectors/connector-registry.js';
import type { Database } from '../../db/database.js';
import { pendingMigrations } from '../../db/migrate.js';
import { applySchedules } from '../schedules/apply-schedules.js';

/** One line of `custsync doctor`: what was checked, whether it holds, and what to do when not. */
export interface DoctorCheck {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** Not checked: something it depends on failed. */
  skipped?: boolean;
}

/** What the doctor opens and asks, given by the caller (the CLI), each tried once. */
export interface DoctorDeps {
  loadConfig(): LoadedConfig;
  temporalSettings(config: CustsyncConfig | undefined): TemporalSettings;
  openDatabase(): Promise<{ db: Kysely<Database>; url: string; close(): Promise<void> }>;
  connectTemporal(settings: TemporalSettings): Promise<Client>;
  /** Secrets `serve` needs that are missing or malformed (session key, API token variables). */
  secretProblems(config: CustsyncConfig): string[];
}

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** Free space a download folder must have; default 1 GiB. */
  minFreeBytes?: number;
}

const firstLine = (error: unknown) => ((error as Error).message ?? String(error)).split('\n')[0]!;
const skipped = (check: string, because: string): DoctorCheck => ({ check, ok: false, skipped: true, detail: `not checked: ${because}` });
const GRPC_NOT_FOUND = 5;
const { TaskQueueKind, TaskQueueType } = protos.temporal.api.enums.v1;

/**
 * Checks, in order, what a deployment needs, each with its fix: the config; the database and
 * its migrations; Temporal, the namespace and a worker polling the task queue; the schedules;
 * every connector; the download folders; the secrets `serve` needs. A check whose
 * prerequisite failed is reported as not checked.
 */
export async function runDoctor(deps: DoctorDeps, options: DoctorOptions = {}): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  let config: CustsyncConfig | undefined;
  try {
    const loaded = deps.loadConfig();
    config = loaded.config;
    checks.push({ check: 'config', ok: true, detail: `${loaded.file}: valid (${Object.keys(config.connectors).length} connectors, ${Object.keys(config.flows).length} flows)` });
  } catch (error) {
    checks.push({ check: 'config', ok: false, detail: (error as Error).message, fix: 'correct each problem named, then run custsync config check' });
  }

  checks.push(...(await databaseChecks(deps)));

  let client: Client | undefined;
  let settings: TemporalSettings | undefined;
  try {
    settings = deps.temporalSettings(config);
    client = await deps.connectTemporal(settings);
    await client.workflowService.getSystemInfo({});
    checks.push({ check: 'temporal', ok: true, detail: `reachable at ${settings.address}` });
  } catch (error) {
    checks.push({ check: 'temporal', ok: false, detail: firstLine(error), fix: 'start Temporal or correct TEMPORAL_ADDRESS, TEMPORAL_TLS* (see docs/production.md)' });
  }
  checks.push(...(client && settings ? await temporalChecks(client, settings, config) : ['namespace', 'worker', 'schedules'].map((c) => skipped(c, 'Temporal is not reachable'))));

  if (config) {
    const problems = await reachabilityProblems(config, { network: true });
    checks.push(
      problems.length === 0
        ? { check: 'connectors', ok: true, detail: `${Object.keys(config.connectors).length} reachable` }
        : { check: 'connectors', ok: false, detail: problems.map((p) => `${p.path}: ${p.message}`).join('; '), fix: 'correct what each names (custsync config check shows them too)' },
    );
    checks.push(...(await downloadFolderChecks(config, options.minFreeBytes ?? 1024 ** 3)));
    const secrets = deps.secretProblems(config);
    checks.push(
      secrets.length === 0
        ? { check: 'secrets', ok: true, detail: 'the session key and every API token variable are set' }
        : { check: 'secrets', ok: false, detail: secrets.join('; '), fix: 'set each variable in the environment of custsync serve' },
    );
  } else {
    for (const check of ['connectors', 'download folders', 'secrets']) checks.push(skipped(check, 'the config is not valid'));
  }
  await client?.connection.close().catch(() => undefined);
  return checks;
}

async function databaseChecks(deps: DoctorDeps): Promise<DoctorCheck[]> {
  let database: Awaited<ReturnType<DoctorDeps['openDatabase']>>;
  try {
    database = await deps.openDatabase();
  } catch (error) {
    return [
      { check: 'database', ok: false, detail: firstLine(error), fix: 'start PostgreSQL or correct DATABASE_URL (see docs/production.md)' },
      skipped('migrations', 'the database is not reachable'),
    ];
  }
  try {
    const pending = await pendingMigrations(database.db);
    return [
      { check: 'database', ok: true, detail: 'reachable' },
      pending.length === 0
        ? { check: 'migrations', ok: true, detail: 'the schema is current' }
        : { check: 'migrations', ok: false, detail: `${pending.length} pending: ${pending.join(', ')}`, fix: 'custsync db migrate' },
    ];
  } finally {
    await database.close();
  }
}

async function temporalChecks(client: Client, settings: TemporalSettings, config: CustsyncConfig | undefined): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  try {
    await client.workflowService.describeNamespace({ namespace: settings.namespace });
    checks.push({ check: 'namespace', ok: true, detail: `${settings.namespace} exists` });
  } catch (error) {
    const missing = (error as { code?: number }).code === GRPC_NOT_FOUND;
    checks.push({
      check: 'namespace',
      ok: false,
      detail: missing ? `namespace ${settings.namespace} does not exist` : firstLine(error),
      fix: missing ? `temporal operator namespace create --namespace ${settings.namespace}, or correct TEMPORAL_NAMESPACE` : 'check the namespace and the connection’s permissions',
    });
    return [...checks, skipped('worker', 'the namespace cannot be used'), skipped('schedules', 'the namespace cannot be used')];
  }
  const pollers = async (taskQueueType: (typeof TaskQueueType)[keyof typeof TaskQueueType]) =>
    (
      await client.workflowService.describeTaskQueue({
        namespace: settings.namespace,
        taskQueue: { name: settings.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType,
      })
    ).pollers ?? [];
  try {
    const [workflows, activities] = await Promise.all([pollers(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW), pollers(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)]);
    const identities = [...new Set([...workflows, ...activities].map((p) => p.identity ?? '?'))];
    checks.push(
      workflows.length > 0 && activities.length > 0
        ? { check: 'worker', ok: true, detail: `${identities.length} polling task queue ${settings.taskQueue} (${identities.join(', ')})` }
        : { check: 'worker', ok: false, detail: `no worker polls task queue ${settings.taskQueue} in namespace ${settings.namespace}: runs would wait`, fix: 'start one: custsync worker (with the same CUSTSYNC_TASK_QUEUE)' },
    );
  } catch (error) {
    checks.push({ check: 'worker', ok: false, detail: firstLine(error), fix: 'check the connection’s permissions on the task queue' });
  }
  if (!config) return [...checks, skipped('schedules', 'the config is not valid')];
  try {
    const drift = (await applySchedules(client, config, settings, { dryRun: true })).filter((c) => c.change !== 'unchanged');
    checks.push(
      drift.length === 0
        ? { check: 'schedules', ok: true, detail: 'match the config' }
        : { check: 'schedules', ok: false, detail: `differ from the config: ${drift.map((d) => `${d.flow} would be ${d.change}`).join(', ')}`, fix: 'custsync schedules apply' },
    );
  } catch (error) {
    checks.push({ check: 'schedules', ok: false, detail: firstLine(error), fix: 'check the connection’s permissions on schedules' });
  }
  return checks;
}

async function downloadFolderChecks(config: CustsyncConfig, minFreeBytes: number): Promise<DoctorCheck[]> {
  const folders = Object.entries(config.connectors).flatMap(([name, c]) =>
    (connectorModuleOf(c.type)?.localFolders?.(name, c as never) ?? []).map((f) => ({ ...f, where: `connectors.${name}.${f.field}` })),
  );
  if (folders.length === 0) return [{ check: 'download folders', ok: true, detail: 'none used' }];
  const problems: string[] = [];
  for (const folder of folders) {
    try {
      await mkdir(folder.path, { recursive: true });
      const probe = join(folder.path, `.custsync-doctor-${randomBytes(4).toString('hex')}`);
      await writeFile(probe, 'ok');
      await rm(probe);
      const fs = await statfs(folder.path);
      const free = fs.bavail * fs.bsize;
      if (free < minFreeBytes) problems.push(`${folder.where} (${folder.path}): only ${(free / 1024 ** 2).toFixed(0)} MiB free, less than ${(minFreeBytes / 1024 ** 2).toFixed(0)} MiB`);
    } catch (error) {
      problems.push(`${folder.where} (${folder.path}): not writable (${(error as NodeJS.ErrnoException).code ?? firstLine(error)})`);
    }
  }
  return [
    problems.length === 0
      ? { check: 'download folders', ok: true, detail: `${folders.length} writable, with room` }
      : { check: 'download folders', ok: false, detail: problems.join('; '), fix: 'point sftp.downloadFolder at a writable folder with room for the largest file' },
  ];
}
