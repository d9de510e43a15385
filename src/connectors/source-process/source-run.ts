import { InputError } from '../input-error.js';
import { parseRecordPath } from '../record-mapping/record-path.js';
import type { SourceLogLevel } from './source-events.js';
import { sourceProcessLines } from './source-process-lines.js';
import { stderrLogLevel } from './stderr-log-level.js';
import { sourceExecutable } from './installed-packages.js';
import type { SourceCommandConfig } from './source-command-config.js';

/** How one connector's source process is run: the command, its label, its config with secrets, and the secrets to mask. */
export interface SourceRun {
  executable: string;
  label: string;
  /** The source's config with its secrets filled in from the environment: only ever written to a private file. */
  config: Record<string, unknown>;
  secrets: string[];
  /** How long it may write nothing before it counts as hung and is stopped. */
  silenceTimeoutMs: number;
}

/**
 * How long `spec`, `check` and `discover` may stay silent. A read may stay silent for the flow's
 * heartbeat timeout: it is an activity, retried when it stops showing signs of life.
 */
const COMMAND_SILENCE_MS = 120_000;

/**
 * The source process of a connector as it is to run now: its executable (an installed
 * package's command or the configured one) and its config with every secret read from the
 * environment into the place its JSON pointer names.
 */
export function sourceRun(connector: string, kind: string, config: Pick<SourceCommandConfig, 'package' | 'executable' | 'config' | 'secrets'>, env: NodeJS.ProcessEnv = process.env): SourceRun {
  const executable = sourceExecutable(connector, config, env);
  const filled = structuredClone(config.config);
  const secrets: string[] = [];
  for (const [pointer, variable] of Object.entries(config.secrets)) {
    const value = env[variable];
    if (value === undefined || value === '') throw new InputError(`connector ${connector}: environment variable ${variable} (secrets.${pointer}) is not set`);
    setAtPointer(filled, pointer, value);
    secrets.push(value);
  }
  return { executable, label: `connector ${connector} (${kind} ${executable.split('/').pop()})`, config: filled, secrets, silenceTimeoutMs: COMMAND_SILENCE_MS };
}

/** Sets the value at a JSON pointer, making the objects on the way. */
function setAtPointer(target: Record<string, unknown>, pointer: string, value: unknown): void {
  const keys = parseRecordPath(pointer);
  let current = target;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[keys.at(-1)!] = value;
}

/** What a run of a source process is told besides its files. */
export interface SourceRunOptions {
  signal?: AbortSignal;
  /** Called on every line the source writes. */
  alive?: () => void;
  /** Called with what the source logs (stderr and log messages), secrets masked. */
  onLog?: (level: SourceLogLevel, message: string) => void;
}

/** Runs the source with these arguments and yields its stdout's lines; its stderr goes to `onLog`, every line counts as a sign of life. */
export async function* sourceRunLines(run: SourceRun, args: readonly string[], options: SourceRunOptions): AsyncGenerator<string> {
  for await (const line of sourceProcessLines({
    command: run.executable,
    args,
    label: run.label,
    silenceTimeoutMs: run.silenceTimeoutMs,
    secrets: run.secrets,
    ...(options.signal ? { signal: options.signal } : {}),
    onStderr: (text) => options.onLog?.(stderrLogLevel(text), text),
  })) {
    options.alive?.();
    yield line;
  }
}
