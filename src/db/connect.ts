import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

/** Where the embedded database listens when `DATABASE_URL` is not set (see `startPgliteServer`). */
export const EMBEDDED_DATABASE_URL = 'postgres://postgres@127.0.0.1:5433/postgres';

// bigint (count(*), bigserial) as number where it fits; the counts here never exceed 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  url: string;
  destroy(): Promise<void>;
}

/** Options for {@link connectDatabase}. */
export interface ConnectOptions {
  /** Connection string; defaults to `DATABASE_URL`, then the embedded database. */
  url?: string;
  /** Pool size; default 4. */
  max?: number;
}

export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL && env.DATABASE_URL.length > 0 ? env.DATABASE_URL : EMBEDDED_DATABASE_URL;
}

/** Opens a pooled Kysely instance; the caller owns it and must `destroy()` it. */
export function connectDatabase(options: ConnectOptions = {}): DatabaseHandle {
  const url = options.url ?? databaseUrlFromEnv();
  // No JIT: custsync's statements are short and keyed, and PostgreSQL's estimates go stale while a
  // sync fills a table, so JIT would compile for half a second to save milliseconds, chunk after chunk.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4, options: '-c jit=off' });
  // A dropped connection (server restart) fails the query that used it, which is retried;
  // the connection's own error event must not take the process down.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, url, destroy: () => db.destroy() };
}

/** A connection string with any password replaced, safe for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable database url>';
  }
}
