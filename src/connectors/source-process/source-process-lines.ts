import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Options for {@link sourceProcessLines}. */
export interface SourceProcessOptions {
  /** The executable, and its arguments. */
  command: string;
  args: readonly string[];
  /** What the process is, for messages ("airbyte source hubspot", say). */
  label: string;
  /** The process's environment; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** Longest time without a line on stdout before the process counts as hung and is stopped; default: no limit. */
  silenceTimeoutMs?: number;
  /** Stops the process (and every process it started) when aborted. */
  signal?: AbortSignal;
  /** Called with each line the process writes to stderr (its logs), secrets masked. */
  onStderr?: (line: string) => void;
  /** Values never shown (secrets in the process's config): masked as *** in what is quoted and passed on. */
  secrets?: readonly string[];
}

/** Lines of stderr quoted in a failure. */
const STDERR_LINES_KEPT = 20;
/** How long a stopped process has between SIGTERM and SIGKILL. */
const TERMINATE_GRACE_MS = 5_000;

/** A source process that failed: exited non-zero, was killed, or stayed silent too long. */
export class SourceProcessError extends Error {
  override readonly name = 'SourceProcessError';
}

/**
 * Runs a source process (an Airbyte source, a Singer tap) and yields what it writes to stdout,
 * a line at a time, as it writes it: reading stops the process's output when the consumer is
 * slower (backpressure), so memory does not grow with the stream. The process leads a process
 * group of its own: when the consumer stops early, the signal aborts, or it stays silent past
 * `silenceTimeoutMs`, the whole group is stopped (SIGTERM, then SIGKILL). A process that exits
 * non-zero or is killed fails with its exit and the last lines of its stderr.
 */
export async function* sourceProcessLines(options: SourceProcessOptions): AsyncGenerator<string> {
  options.signal?.throwIfAborted();
  const child = spawn(options.command, options.args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stderr: string[] = [];
  let failure: Error | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new SourceProcessError(`${options.label}: cannot start ${options.command}: ${error.message}`)));
  });
  await spawned;

  const stopGroup = (): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child.pid!, 'SIGTERM');
    setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), TERMINATE_GRACE_MS).unref();
  };
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  const stop = (error: Error): void => {
    failure ??= error;
    stopGroup();
    lines.close();
  };
  const throwIfStopped = (): void => {
    if (failure) throw failure;
  };
  const onAbort = (): void => stop(options.signal!.reason instanceof Error ? options.signal!.reason : new Error(`${options.label}: cancelled`));
  options.signal?.addEventListener('abort', onAbort, { once: true });

  createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (raw) => {
    const line = maskSecrets(raw, options.secrets);
    stderr.push(line);
    if (stderr.length > STDERR_LINES_KEPT) stderr.shift();
    options.onStderr?.(line);
  });

  let silence: NodeJS.Timeout | undefined;
  const watchSilence = (): void => {
    if (options.silenceTimeoutMs === undefined) return;
    clearTimeout(silence);
    silence = setTimeout(
      () => stop(new SourceProcessError(`${options.label} wrote nothing for ${options.silenceTimeoutMs! / 1000} s and was stopped as hung${quoted(stderr)}`)),
      options.silenceTimeoutMs,
    );
  };

  try {
    watchSilence();
    for await (const line of lines) {
      watchSilence();
      yield line;
    }
    throwIfStopped();
    const { code, signal } = await exited;
    throwIfStopped();
    if (code !== 0) {
      const how = signal ? `was killed (${signal})` : `exited with code ${String(code)}`;
      throw new SourceProcessError(`${options.label} ${how}${quoted(stderr)}`);
    }
  } catch (error) {
    throw failure ?? error;
  } finally {
    clearTimeout(silence);
    options.signal?.removeEventListener('abort', onAbort);
    stopGroup();
  }
}

/** The text with every occurrence of a secret replaced by ***. */
export function maskSecrets(text: string, secrets: readonly string[] | undefined): string {
  if (!secrets) return text;
  let masked = text;
  for (const secret of secrets) if (secret !== '') masked = masked.replaceAll(secret, '***');
  return masked;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

const quoted = (lines: readonly string[]): string => (lines.length === 0 ? '' : `; its last output on stderr:\n${lines.join('\n')}`);
