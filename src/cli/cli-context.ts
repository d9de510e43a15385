import { Client, type Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import type { TemporalSettings } from '../config/temporal-settings.js';
import type { DatabaseHandle } from '../db/connect.js';
import { openDatabase } from '../db/open-database.js';
import type { OperationDeps } from '../operations/operation-deps.js';
import { connectTemporal } from './connect-temporal.js';

/** What every command may use, each part opened only when a command asks for it. */
export interface CliContext {
  temporal: TemporalSettings;
  /** The config named by --config (or CUSTSYNC_CONFIG, or custsync.config.yaml). */
  config(): LoadedConfig;
  /** One connection to Temporal for the command; it stays open until the process exits. */
  connection(): Promise<Connection>;
  client(): Promise<Client>;
  /** Runs `fn` with the database open (the embedded one served when DATABASE_URL is unset), closing it afterwards. */
  withDatabase<T>(fn: (db: DatabaseHandle) => Promise<T>, options?: { pool?: number }): Promise<T>;
  /** Runs `fn` with every dependency of operations: database, Temporal client, settings and config. */
  withOperations<T>(fn: (deps: OperationDeps) => Promise<T>, options?: { pool?: number }): Promise<T>;
}

/** The context of a program whose global `--config` option names the config file. */
export function cliContext(program: Command, temporal: TemporalSettings): CliContext {
  let connecting: Promise<Connection> | undefined;
  const context: CliContext = {
    temporal,
    config: () => loadConfig(program.opts<{ config?: string }>().config),
    connection: () => (connecting ??= connectTemporal(temporal)),
    client: async () => new Client({ connection: await context.connection(), namespace: temporal.namespace }),
    async withDatabase(fn, options = {}) {
      const database = await openDatabase({ serveEmbedded: true, max: options.pool ?? 2 });
      try {
        return await fn(database);
      } finally {
        await database.close();
      }
    },
    async withOperations(fn, options = {}) {
      const config = context.config().config;
      const client = await context.client();
      return context.withDatabase((database) => fn({ db: database.db, client, temporal, config }), options);
    },
  };
  return context;
}
