import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ConnectorConfigProblem } from '../connector-module.js';
import { mappingPathProblems } from '../record-mapping/mapping-schema-check.js';
import { mappingOf } from '../record-mapping/mapping-presets.js';
import { sourceExecutable } from './installed-packages.js';
import { recordValidator } from './record-validator.js';
import type { SourceCommandConfig } from './source-command-config.js';
import { sourceRun, type SourceRun } from './source-run.js';

/** Why the command cannot be run, or undefined when it can (a bare name is looked up on PATH). */
async function notExecutable(command: string): Promise<string | undefined> {
  const candidates = command.includes('/') ? [command] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return undefined;
    } catch {
      // not this one
    }
  }
  return command.includes('/') ? `${command} does not exist or is not executable` : `no command ${command} on PATH`;
}

/** What a source process's protocol answers for `config check`: its config's schema, a connection check, its streams. */
export interface SourceProbe {
  /** The JSON schema of the source's config (Airbyte's `spec`); undefined when the protocol has none. */
  configSchema?(run: SourceRun): Promise<Record<string, unknown> | undefined>;
  /** Whether it connects (Airbyte's `check`); undefined when the protocol has no such command. */
  check?(run: SourceRun): Promise<{ ok: boolean; message?: string }>;
  /** The streams with their JSON schemas (discovery). */
  streams(run: SourceRun): Promise<{ name: string; schema: Record<string, unknown> }[]>;
}

/**
 * What `config check` finds wrong with a source process connector: the command is not there or
 * a secret's variable is unset; with `network` (the source is run), the config does not match
 * the source's spec, the source cannot connect, the stream does not exist, or the mapping reads
 * a path the stream's schema does not have.
 */
export async function sourceConfigProblems(name: string, kind: string, config: SourceCommandConfig, probe: SourceProbe, options: { network: boolean }): Promise<ConnectorConfigProblem[]> {
  if (config.package !== undefined) {
    try {
      sourceExecutable(name, config);
    } catch (error) {
      // A worker starts regardless: only this connector's runs fail until the package is installed.
      return [{ field: 'package', message: (error as Error).message, ...(options.network ? {} : { warning: true }) }];
    }
  }
  let run: SourceRun;
  try {
    run = sourceRun(name, kind, config);
  } catch (error) {
    return [{ field: 'secrets', message: (error as Error).message }];
  }
  const attempt = async <T>(field: string, work: () => Promise<T>): Promise<T | ConnectorConfigProblem> => {
    try {
      return await work();
    } catch (error) {
      return { field, message: (error as Error).message };
    }
  };
  const isProblem = (value: unknown): value is ConnectorConfigProblem => typeof value === 'object' && value !== null && 'field' in value && 'message' in value;
  const problems: ConnectorConfigProblem[] = [];
  // Without `network` (a worker starting), the source is not run: that it is there is enough. When it
  // is not, only this connector's runs fail: the worker starts and says so.
  if (!options.network) {
    const missing = await notExecutable(run.executable);
    return missing ? [{ field: config.package !== undefined ? 'package' : 'executable', message: `${run.label}: ${missing}`, warning: true }] : [];
  }
  if (probe.configSchema) {
    const schema = await attempt(config.package !== undefined ? 'package' : 'executable', () => probe.configSchema!(run));
    if (isProblem(schema)) return [schema];
    const problem = schema ? recordValidator(schema).validate(run.config) : undefined;
    if (problem) problems.push({ field: 'config', message: `the source's spec refuses it: ${problem.replace('does not match the stream schema', 'does not match')}` });
  }
  if (problems.length > 0) return problems;
  if (probe.check) {
    const checked = await attempt('config', () => probe.check!(run));
    if (isProblem(checked)) return [...problems, checked];
    if (!checked.ok) return [...problems, { field: 'config', message: `the source's check failed: ${checked.message ?? 'no reason given'}` }];
  }
  const streams = await attempt('stream', () => probe.streams(run));
  if (isProblem(streams)) return [...problems, streams];
  const stream = streams.find((s) => s.name === config.stream);
  if (!stream) return [...problems, { field: 'stream', message: `the source has no stream "${config.stream}"; it has: ${streams.map((s) => s.name).join(', ') || 'none'}` }];
  for (const problem of mappingPathProblems(mappingOf(config.mapping), stream.schema, config.stream)) {
    problems.push({ field: problem.field, message: problem.message });
  }
  return problems;
}
