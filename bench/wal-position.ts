import pg from 'pg';

/**
 * Where PostgreSQL's write-ahead log stands, to count the WAL bytes a run writes: the
 * cluster's, so a bench measures it while nothing else writes to that cluster.
 */
export async function walPosition(url: string): Promise<string> {
  return (await query<{ lsn: string }>(url, 'select pg_current_wal_lsn()::text as lsn')).lsn;
}

/** WAL bytes written since `position` (from {@link walPosition}). */
export async function walBytesSince(url: string, position: string): Promise<number> {
  return Number((await query<{ bytes: string }>(url, 'select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint as bytes', [position])).bytes);
}

async function query<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows[0]!;
  } finally {
    await client.end();
  }
}
