import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';

import { connectorModuleOf, type ConnectorConfig } from '../connectors/connector-registry.js';
import { configSchema, crossReferenceProblems, type CustsyncConfig } from './config-schema.js';
import { unionBranchIssues } from './union-branch-issues.js';

/** Default config file name, looked up in the working directory. */
export const DEFAULT_CONFIG_FILE = 'custsync.config.yaml';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${file}:\n${problems.map((p) => `  ✖ ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  file: string;
  config: CustsyncConfig;
}

const ENV_REF = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

function interpolate(value: unknown, path: (string | number)[], env: NodeJS.ProcessEnv, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_, variable: string) => {
      const found = env[variable];
      if (found === undefined) {
        problems.push(`${path.join('.')}: environment variable ${variable} is not set`);
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], env, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, [...path, k], env, problems)]),
    );
  }
  return value;
}

/** Each connector's relative local paths made absolute against `baseDir`, as its module says. */
function resolvePaths(config: CustsyncConfig, baseDir: string): CustsyncConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const connectors = Object.fromEntries(
    Object.entries(config.connectors).map(([name, c]) => {
      const module = connectorModuleOf(c.type);
      return [name, module?.resolvePaths ? (module.resolvePaths(c, abs) as ConnectorConfig) : c];
    }),
  );
  return { ...config, connectors };
}

/** Parses config text; every problem is reported with its path. Relative paths resolve against `baseDir`. */
export function parseConfig(text: string, file: string, baseDir: string, env = process.env): CustsyncConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => e.message));
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias to no anchor, or aliases that would blow the document up.
    throw new ConfigError(file, [(error as Error).message]);
  }
  const problems: string[] = [];
  const raw = interpolate(js, [], env, problems);
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues.flatMap(unionBranchIssues)) {
      const message =
        issue.code === 'invalid_type' && / received undefined$/.test(issue.message)
          ? `is required (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`
          : issue.message;
      problems.push(`${issue.path.length ? issue.path.join('.') : '(root)'}: ${message}`);
    }
  }
  for (const problem of crossReferenceProblems(raw)) problems.push(`${problem.path.join('.')}: ${problem.message}`);
  if (problems.length > 0 || !parsed.success) throw new ConfigError(file, problems);
  return resolvePaths(parsed.data, baseDir);
}

/** Reads and validates a config file (default `custsync.config.yaml`, or `CUSTSYNC_CONFIG`). */
export function loadConfig(file = process.env.CUSTSYNC_CONFIG ?? DEFAULT_CONFIG_FILE): LoadedConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigError(path, [`${reason}; pass --config <file> or set CUSTSYNC_CONFIG`]);
  }
  return { file: path, config: parseConfig(text, path, dirname(path)) };
}

