import { sql } from 'kysely';
import { connectDatabase, EMBEDDED_DATABASE_URL, redactUrl, type DatabaseHandle } from './connect.js';
import { connectionProblemHint } from './connection-problem.js';
import { isEmbeddedServer } from './embedded-server.js';
import { migrateToLatest } from './migrate.js';
import { startPgliteServer, type PgliteServer } from './pglite-server.js';

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Start the embedded database server when `DATABASE_URL` is not set and none is running; default false. */
  serveEmbedded?: boolean;
  /** Apply pending migrations; default true. */
  migrate?: boolean;
  /** Pool size; default 4. */
  max?: number;
  env?: NodeJS.ProcessEnv;
}

export interface OpenedDatabase extends DatabaseHandle {
  /** The embedded server this process started, if any. */
  embedded?: PgliteServer;
  close(): Promise<void>;
}

/**
 * Connects to `DATABASE_URL`, or to the embedded PGlite server (started here when
 * asked and not already running), and brings the schema up to date.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  const env = options.env ?? process.env;
  const url = env.DATABASE_URL || undefined;
  let embedded: PgliteServer | undefined;
  if (!url && options.serveEmbedded && !(await reachable(EMBEDDED_DATABASE_URL))) {
    embedded = await startPgliteServer({ dataDir: env.CUSTSYNC_PGLITE_DIR || '.data/pglite' });
  }
  let handle = connectDatabase({ url: url ?? EMBEDDED_DATABASE_URL, max: options.max });
  let version: string;
  try {
    version = (await sql<{ version: string }>`select version()`.execute(handle.db)).rows[0]!.version;
  } catch (error) {
    await handle.destroy();
    await embedded?.stop();
    const hint = connectionProblemHint(error);
    const reason = `${(error as Error).message}${hint ? `; ${hint}` : ''}`;
    throw new Error(
      url
        ? `cannot connect to DATABASE_URL ${redactUrl(url)}: ${reason}`
        : `DATABASE_URL is not set and the embedded database is not running on ${EMBEDDED_DATABASE_URL} (${reason}); ` +
            'start it with `custsync worker` (or `npm run demo`), or set DATABASE_URL',
      { cause: error },
    );
  }
  if (isEmbeddedServer(version) && (options.max ?? 4) > 1) {
    // The embedded server runs one session for all clients and does not keep one client's
    // parse/bind/execute messages together: each process uses a single connection.
    await handle.destroy();
    handle = connectDatabase({ url: url ?? EMBEDDED_DATABASE_URL, max: 1 });
  }
  if (options.migrate ?? true) await migrateToLatest(handle.db);
  return {
    ...handle,
    embedded,
    async close() {
      await handle.destroy();
      await embedded?.stop();
    },
  };
}

async function reachable(url: string): Promise<boolean> {
  const probe = connectDatabase({ url, max: 1 });
  try {
    await sql`select 1`.execute(probe.db);
    return true;
  } catch {
    return false;
  } finally {
    await probe.destroy();
  }
}
