import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { ApiScope } from '../src/config/api-settings.js';
import type { ConsoleRole } from '../src/config/console-settings.js';
import { consoleLinks } from '../src/domain/console-links.js';
import { hashPassword } from '../src/server/console/password-hash.js';
import { configSchema, type CustsyncConfig } from '../src/config/config-schema.js';
import type { TemporalSettings } from '../src/config/temporal-settings.js';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.js';
import { resolveApiTokens } from '../src/server/api-tokens.js';
import { buildServer } from '../src/server/build-server.js';
import { createLogger } from '../src/telemetry/logger.js';
import { startTemporalDevServer } from '../src/tooling/dev-server.js';
import { freePort } from '../src/tooling/free-port.js';
import { createCustsyncWorker, installWorkerRuntime } from '../src/worker.js';
import { createBenchDatabase, DEFAULT_BENCH_SERVER_URL, dropBenchDatabase } from './bench-database.js';

/** A customer API (and optionally the console) on 127.0.0.1 over its own database, Temporal dev server and worker. */
export interface ApiSandbox {
  baseUrl: string;
  /** Each token's plaintext, by name. */
  tokens: Record<string, string>;
  database: DatabaseHandle;
  databaseUrl: string;
  config: CustsyncConfig;
  client: Client;
  temporal: TemporalSettings;
  close(): Promise<void>;
}

/** Options of {@link startApiSandbox}. */
export interface ApiSandboxOptions {
  /** Tokens by name. */
  tokens: Record<string, { scopes: ApiScope[]; system?: string; rateLimit?: number }>;
  /** Database connections of the server; default 16. */
  pool?: number;
  /** Serve the console too, with these users (name → role and password). */
  consoleUsers?: Record<string, { role: ConsoleRole; password: string }>;
  log?: (line: string) => void;
}

/**
 * Starts everything the customer API needs, on loopback only: a fresh database on the
 * PostgreSQL server of `DATABASE_URL`, a Temporal dev server, a worker (bulk upserts are
 * runs) and the server. `close()` stops all of it and drops the database.
 */
export async function startApiSandbox(options: ApiSandboxOptions): Promise<ApiSandbox> {
  const log = options.log ?? (() => undefined);
  installWorkerRuntime();
  const work = mkdtempSync(join(tmpdir(), 'custsync-api-sandbox-'));
  const temporalServer = await startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), dbFile: join(work, 'temporal.sqlite') });
  const dbName = `custsync_api_${randomBytes(3).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL ? new URL('/', process.env.DATABASE_URL).toString() : DEFAULT_BENCH_SERVER_URL;
  const databaseUrl = await createBenchDatabase(serverUrl, dbName);
  const database = connectDatabase({ url: databaseUrl, max: options.pool ?? 16 });
  const erp = join(work, 'erp.jsonl');
  writeFileSync(erp, '');
  const tokens = Object.fromEntries(Object.keys(options.tokens).map((name) => [name, `${name}-${randomBytes(16).toString('hex')}`]));
  const config = configSchema.parse({
    connectors: { erp: { type: 'jsonl-file', path: erp } },
    flows: { erp: { source: { type: 'connector', connector: 'erp', aspects: ['name', 'addresses', 'customerAttributes', 'customerContactDetails'] }, schedule: false } },
    console: {
      users: Object.fromEntries(
        await Promise.all(Object.entries(options.consoleUsers ?? {}).map(async ([name, u]) => [name, { role: u.role, passwordHash: await hashPassword(u.password) }] as const)),
      ),
    },
    api: {
      rateLimit: 1_000_000,
      tokens: Object.fromEntries(
        Object.entries(options.tokens).map(([name, t]) => [name, { ...t, sha256: createHash('sha256').update(tokens[name]!).digest('hex') }]),
      ),
    },
  });
  const temporal = { address: temporalServer.address, namespace: 'default', taskQueue: `api-sandbox-${randomBytes(3).toString('hex')}` };
  const nativeConnection = await NativeConnection.connect({ address: temporalServer.address });
  const worker = await createCustsyncWorker({ config, database, temporal, connection: nativeConnection });
  const running = worker.run();
  const connection = await Connection.connect({ address: temporalServer.address });
  const client = new Client({ connection, namespace: 'default' });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: FastifyInstance = await buildServer({
    // Errors only: a 5xx is logged to stderr with its cause, under the request id its answer names.
    logger: createLogger({ level: 'error', format: 'json', secrets: Object.values(tokens) }),
    api: { deps: { db: database.db, client, temporal, config }, tokens: resolveApiTokens(config.api), settings: config.api },
    ...(options.consoleUsers
      ? {
          console: {
            ops: { db: database.db, client, temporal, config },
            settings: config.console,
            links: consoleLinks(baseUrl, config.console.temporalUiUrl, temporal.namespace),
            sessionKey: randomBytes(32),
            secureCookies: false,
          },
        }
      : {}),
  });
  await server.listen({ host: '127.0.0.1', port });
  log(`customer API at ${baseUrl}/api/v1 (database ${dbName}, Temporal ${temporalServer.address})`);
  return {
    baseUrl,
    tokens,
    database,
    databaseUrl,
    config,
    client,
    temporal,
    async close() {
      await server.close();
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await database.destroy();
      await dropBenchDatabase(serverUrl, dbName);
      await temporalServer.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
