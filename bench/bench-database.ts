import pg from 'pg';
import { connectDatabase, redactUrl } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';

/** The server benchmarks use when `DATABASE_URL` is not set. */
export const DEFAULT_BENCH_SERVER_URL = 'postgres://custsync:custsync@127.0.0.1:5432/';

const ADMIN_TIMEOUT_MS = 30_000;

/** The maintenance database URL (`/postgres`) on the same server as `url`. */
export function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/** `url` pointing at database `name` instead. */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withAdmin<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: adminUrl(serverUrl),
    connectionTimeoutMillis: ADMIN_TIMEOUT_MS,
    statement_timeout: ADMIN_TIMEOUT_MS * 4,
  });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(adminUrl(serverUrl))}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const SAFE_NAME = /^[a-z_][a-z0-9_]*$/;

/** Creates database `name` on the server and applies every migration; returns its URL. */
export async function createBenchDatabase(serverUrl: string, name: string): Promise<string> {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe database name ${name}`);
  await withAdmin(serverUrl, (c) => c.query(`create database ${name}`));
  const url = databaseUrl(serverUrl, name);
  const handle = connectDatabase({ url, max: 1 });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.destroy();
  }
  return url;
}

/**
 * Drops database `name`. A plain drop first: it stops autovacuum workers itself
 * (which `with (force)` may not signal without superuser rights); `with (force)`
 * when other sessions are still connected; a few retries in between.
 */
export async function dropBenchDatabase(serverUrl: string, name: string): Promise<void> {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe database name ${name}`);
  await withAdmin(serverUrl, async (c) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(attempt % 2 === 1 ? `drop database if exists ${name}` : `drop database if exists ${name} with (force)`);
        return;
      } catch (error) {
        if (attempt >= 6) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  });
}

/** The benchmark's target tables, in load order (parents before children). */
export const TARGET_TABLES = [
  'customers',
  'external_ids',
  'addresses',
  'contact_persons',
  'customer_attributes',
  'address_attributes',
  'customer_contact_details',
  'address_contact_details',
] as const;

export type TargetTable = (typeof TARGET_TABLES)[number];

/** Row counts of the target tables, and a fingerprint of every customer's source id, content hash and input hash. */
export interface TableSnapshot {
  counts: Record<TargetTable, number>;
  /** md5 over (source_id, content_hash, input_hash) of all customers, in source id order. */
  fingerprint: string;
  /** On-disk size of the target tables with their indexes, bytes. */
  bytes: number;
}

/** Counts and fingerprints the target tables of the database at `url`. */
export async function snapshotTables(url: string): Promise<TableSnapshot> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: ADMIN_TIMEOUT_MS });
  await client.connect();
  try {
    const counts = {} as Record<TargetTable, number>;
    let bytes = 0;
    for (const table of TARGET_TABLES) {
      const result = await client.query<{ n: string; bytes: string }>(
        `select count(*) as n, pg_total_relation_size('${table}') as bytes from ${table}`,
      );
      counts[table] = Number(result.rows[0]!.n);
      bytes += Number(result.rows[0]!.bytes);
    }
    const fp = await client.query<{ fp: string | null }>(
      `select md5(string_agg(source_id || ':' || content_hash || ':' || coalesce(input_hash, '-'), ',' order by source_id)) as fp from customers`,
    );
    return { counts, fingerprint: fp.rows[0]!.fp ?? '', bytes };
  } finally {
    await client.end();
  }
}
