import type { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { DEFAULT_CONFIG_FILE, loadConfig, type LoadedConfig } from '../config/load-config.js';
import { resolveTemporalSettings, type TemporalConfig, type TemporalSettings } from '../config/temporal-settings.js';
import type { DatabaseHandle } from '../db/connect.js';
import type { OperationDeps } from '../operations/operation-deps.js';

/** What every command may use, each part opened only when a command asks for it. */
export interface CliContext {
  /** Temporal's connection settings (environment, `--profile`, the config's `temporal:` section), resolved on first use. */
  readonly temporal: TemporalSettings;
  /** Temporal's connection settings over a given `temporal:` section (for a config already loaded, or none). */
  temporalWith(section: TemporalConfig | undefined): TemporalSettings;
  /** The config named by --config (or CUSTSYNC_CONFIG, or custsync.config.yaml), read once per command. */
  config(): LoadedConfig;
  /** One connection to Temporal for the command; it stays open until the process exits. */
  connection(): Promise<Connection>;
  client(): Promise<Client>;
  /** Runs `fn` with the database open (the embedded one served when DATABASE_URL is unset), closing it afterwards. */
  withDatabase<T>(fn: (db: DatabaseHandle) => Promise<T>, options?: { pool?: number }): Promise<T>;
  /** Runs `fn` with every dependency of operations: database, Temporal client, settings and config. */
  withOperations<T>(fn: (deps: OperationDeps) => Promise<T>, options?: { pool?: number }): Promise<T>;
}

/** The context of a program whose global options name the config file (`--config`) and Temporal profile (`--profile`). */
export function cliContext(program: Command): CliContext {
  let connecting: Promise<Connection> | undefined;
  let temporal: TemporalSettings | undefined;
  let loaded: LoadedConfig | undefined;
  const options = () => program.opts<{ config?: string; profile?: string }>();
  /** The config's `temporal:` section, when there is a config file (a named one that cannot be read is an error). */
  const configuredTemporal = () => {
    if (!options().config && !process.env.CUSTSYNC_CONFIG && !existsSync(DEFAULT_CONFIG_FILE)) return undefined;
    return context.config().config.temporal;
  };
  const context: CliContext = {
    get temporal() {
      return (temporal ??= context.temporalWith(configuredTemporal()));
    },
    temporalWith: (section) => resolveTemporalSettings({ ...(options().profile ? { profile: options().profile } : {}), section }),
    config: () => (loaded ??= loadConfig(options().config)),
    connection: () => (connecting ??= import('./connect-temporal.js').then(({ connectTemporal }) => connectTemporal(context.temporal))),
    client: async () => {
      const { Client } = await import('@temporalio/client');
      return new Client({ connection: await context.connection(), namespace: context.temporal.namespace });
    },
    async withDatabase(fn, options = {}) {
      const { openDatabase } = await import('../db/open-database.js');
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
      return context.withDatabase((database) => fn({ db: database.db, client, temporal: context.temporal, config }), options);
    },
  };
  return context;
}
