/**
 * Embedded PostgreSQL (PGlite) served over the Postgres wire protocol, so that `pg` pools
 * and tools like `psql` can use it when no real PostgreSQL server is available.
 *
 * PGlite is a single-session database: the socket server multiplexes client connections
 * onto it and runs one protocol message at a time. While a client holds an open transaction,
 * other clients wait until it commits or rolls back. Session state (SET, temporary tables,
 * named prepared statements, LISTEN) is shared by all connections.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Options for {@link startPgliteServer}. */
export interface PgliteServerOptions {
  /**
   * Database directory; created when missing. Relative paths resolve against the working
   * directory. Use `memory://` for a throwaway in-memory database.
   * @default '.data/pglite'
   */
  dataDir?: string;
  /**
   * TCP port to listen on; `0` picks a free port (reflected in the returned `url`).
   * @default 5433
   */
  port?: number;
  /**
   * Interface to bind.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Maximum number of simultaneous client connections; further connections are refused.
   * @default 100
   */
  maxConnections?: number;
}

/** A running PGlite socket server. */
export interface PgliteServer {
  /** Connection string, e.g. `postgres://postgres@127.0.0.1:5433/postgres`. */
  url: string;
  /** Closes client connections, the listener and the database. */
  stop(): Promise<void>;
}

/**
 * Opens PGlite on `dataDir` and serves it on `host:port`. PGlite accepts any user name and
 * password without authentication; its only database is `postgres`.
 */
export async function startPgliteServer(options: PgliteServerOptions = {}): Promise<PgliteServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 5433;
  const maxConnections = options.maxConnections ?? 100;
  const requestedDir = options.dataDir ?? path.join('.data', 'pglite');

  let dataDir: string;
  if (requestedDir.includes('://')) {
    dataDir = requestedDir;
  } else {
    dataDir = path.resolve(requestedDir);
    mkdirSync(dataDir, { recursive: true });
  }

  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, host, port, maxConnections });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }

  const bound = server.getServerConn();
  const boundPort = Number(bound.slice(bound.lastIndexOf(':') + 1));
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `postgres://postgres@${urlHost}:${boundPort}/postgres`;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      try {
        await server.stop();
      } finally {
        if (!db.closed) await db.close();
      }
    })();
    return stopped;
  };

  return { url, stop };
}
