import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { CustsyncConfig } from '../config/config-schema.js';
import type { TemporalSettings } from '../config/temporal-settings.js';
import type { Database } from '../db/database.js';

/**
 * What operations work with. Each operation takes only the parts it needs
 * (`Pick<OperationDeps, 'db'>`), so an interface opens only those.
 */
export interface OperationDeps {
  db: Kysely<Database>;
  /** A Temporal client on the configured namespace. */
  client: Client;
  temporal: TemporalSettings;
  config: CustsyncConfig;
}
