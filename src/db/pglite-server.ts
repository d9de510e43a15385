/**
 * Embedded PostgreSQL (PGlite) served over the Postgres wire protocol, so that `pg` pools
 * and tools like `psql` can use it when no real PostgreSQL server is available.
 *
 * PGlite is a single-session database: the socket server multiplexes client connections
 * onto it and runs one protocol message at a time. While a client holds an open transaction,
 * other clients wait until it commits or rolls back. Session state (SET, temporary tables,
 * named prepared statements, LISTEN) is shared by all connections.
 *
 * `COPY ... FROM STDIN` cannot work over this socket: each protocol message is executed on
 * its own, so the backend never sees the copy data, exits, and the server stops answering.
 * Such statements are answered with a `feature_not_supported` error instead; bulk loads
 * should use `INSERT ... SELECT * FROM jsonb_to_recordset($1::jsonb)`. `COPY ... TO STDOUT`
 * works.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const SIMPLE_QUERY = 0x51; // 'Q'
/** A statement starting with COPY (after optional comments) that reads FROM STDIN. */
const COPY_FROM_STDIN = /(?:^|;)\s*(?:(?:--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)\s*)*copy\b[^;]*\bfrom\s+stdin\b/i;
const COPY_FROM_STDIN_REJECTION =
  "DO $custsync$ BEGIN RAISE EXCEPTION USING ERRCODE = 'feature_not_supported', " +
  "MESSAGE = 'COPY FROM STDIN is not supported by the PGlite socket server', " +
  "HINT = 'Insert rows with INSERT ... SELECT * FROM jsonb_to_recordset($1::jsonb) instead.'; END $custsync$";

/** A simple-query ('Q') protocol message carrying `sql`. */
function simpleQueryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message[0] = SIMPLE_QUERY;
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return new Uint8Array(message);
}

/** Replaces a simple query running `COPY ... FROM STDIN` by one that fails with a clear error. */
function guardCopyFromStdin(message: Uint8Array): Uint8Array {
  if (message[0] !== SIMPLE_QUERY || message.length < 6) return message;
  const sql = Buffer.from(message.buffer, message.byteOffset + 5, message.length - 6).toString('utf8');
  return COPY_FROM_STDIN.test(sql) ? simpleQueryMessage(COPY_FROM_STDIN_REJECTION) : message;
}

/** The database as seen by the socket server, with {@link guardCopyFromStdin} applied to every message. */
function guardedDatabase(db: PGlite): PGlite {
  const execProtocolRawStream: PGlite['execProtocolRawStream'] = (message, options) =>
    db.execProtocolRawStream(guardCopyFromStdin(message), options);
  return new Proxy(db, {
    get(target, property) {
      if (property === 'execProtocolRawStream') return execProtocolRawStream;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

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
 * password without authentication and always acts as user `postgres` on database `postgres`.
 * The `pgcrypto` and `pg_trgm` extensions are available (`CREATE EXTENSION ...`); `gen_random_uuid()`
 * is built in.
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

  const db = await PGlite.create({ dataDir, extensions: { pgcrypto, pg_trgm } });
  const server = new PGLiteSocketServer({ db: guardedDatabase(db), host, port, maxConnections });
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
