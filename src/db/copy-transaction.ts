import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type { DatabaseHandle } from './connect.js';
import { copyRowsOver, type CopyRows } from './copy-rows.js';
import type { Database } from './database.js';
import { isEmbeddedServer } from './embedded-server.js';

/**
 * Runs `work` in one transaction; `copy` writes rows with COPY on the transaction's connection,
 * or is undefined where the server takes no `COPY … FROM STDIN` (the embedded database).
 */
export type CopyTransaction = <T>(work: (trx: Transaction<Database>, copy: CopyRows | undefined) => Promise<T>) => Promise<T>;

/**
 * Transactions that can COPY rows in as well as run statements. Kysely does not hand out its
 * connections, so the transaction's connection is taken from the pool here and given to a
 * Kysely instance of its own: the statements go through Kysely, the COPY through `pg`, on one
 * connection, and Kysely returns it to the pool when the transaction ends.
 */
export function copyTransactions(handle: Pick<DatabaseHandle, 'db' | 'pool'>): CopyTransaction {
  let takesCopy: Promise<boolean> | undefined;
  const serverTakesCopy = async (): Promise<boolean> => {
    takesCopy ??= sql<{ version: string }>`select version()`.execute(handle.db).then(
      (r) => !isEmbeddedServer(r.rows[0]!.version),
      (error: unknown) => {
        takesCopy = undefined;
        throw error;
      },
    );
    return takesCopy;
  };
  return async (work) => {
    if (!(await serverTakesCopy())) return handle.db.transaction().execute((trx) => work(trx, undefined));
    const client = await handle.pool.connect();
    const pinned = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: { connect: () => Promise.resolve(client), end: () => Promise.resolve() } }),
    });
    return pinned.transaction().execute((trx) => work(trx, (table, columns, rows) => copyRowsOver(client, table, columns, rows)));
  };
}
