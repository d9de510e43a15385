import type { Kysely } from 'kysely';
import type { ConnectorFactory } from '../connectors/connector.js';
import type { CopyTransaction } from '../db/copy-transaction.js';
import type { Database } from '../db/database.js';
import type { WorkerMetrics } from '../telemetry/worker-metrics.js';
import type { Notifier } from './notifications/notifier.js';

/** What activities are built over; wired once in `src/worker.ts`. */
export interface ActivityDeps {
  db: Kysely<Database>;
  /** A transaction over `db` that can also write many rows with COPY (see `copyTransactions`). */
  copyTransaction: CopyTransaction;
  connectors: ConnectorFactory;
  /** The fingerprint of this worker's config of a flow (see `flowFingerprint`); undefined for an unknown flow. */
  flowFingerprint: (flow: string) => string | undefined;
  /** Whether a run's workflow is still running in Temporal (a flow's lease outlives a terminated run otherwise). */
  isRunActive: (runId: string) => Promise<boolean>;
  /** Wakes (or starts) the workflow that pushes queued customers to a target. */
  wakePushTarget: (target: string) => Promise<void>;
  /** Tells whoever is on call (queues messages; never throws). */
  notifier: Notifier;
  /** Notification targets by name, with their URLs (from the environment). */
  notificationTargets: ReadonlyMap<string, { type: 'webhook' | 'slack'; url: string }>;
  /** Attempts to deliver a message before it is marked failed. */
  notificationMaxAttempts: number;
  /** Where runs, pushes and notifications are counted as they happen. */
  metrics: WorkerMetrics;
}
