import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export interface TestDatabase extends DatabaseHandle {
  name: string;
  drop(): Promise<void>;
}

/** The PostgreSQL server tests use: `DATABASE_URL` (a real server; `.ci/run` provides one). */
export function testServerUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'tests need a real PostgreSQL: set DATABASE_URL (scripts/test.sh sets it up via scripts/ensure-postgres.sh, e.g. postgres://custsync:custsync@127.0.0.1:5432/custsync_test)',
    );
  }
  return url;
}

/** A fresh, migrated database on the test server, dropped by `drop()`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: testServerUrl() });
  const name = `custsync_t_${randomBytes(5).toString('hex')}`;
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  const handle = connectDatabase({ url: url.toString(), max: 4 });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    name,
    async drop() {
      await handle.destroy();
      await dropDatabase(name);
    },
  };
}

/**
 * Drops a test database, retrying a few times: a backend the role may not terminate
 * (an autovacuum worker, without pg_signal_backend) or one still closing makes a
 * forced drop fail now and succeed a moment later.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const c = new pg.Client({ connectionString: testServerUrl() });
    try {
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      return;
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    } finally {
      await c.end().catch(() => undefined);
    }
  }
}
