import { createActivities, type Activities } from '../../src/activities/index.js';
import { flowFingerprint } from '../../src/config/config-fingerprint.js';
import type { CustsyncConfig } from '../../src/config/config-schema.js';
import { createConnectorFactory } from '../../src/connectors/create-connector.js';
import type { DatabaseHandle } from '../../src/db/connect.js';
import { copyTransactions } from '../../src/db/copy-transaction.js';
import { createWorkerMetrics } from '../../src/telemetry/worker-metrics.js';

/**
 * The activities over a test database, for calling one at a time (no other run of a flow is
 * ever running), with no push targets and no one to notify.
 */
export function createTestActivities(
  database: Pick<DatabaseHandle, 'db' | 'pool'>,
  config: CustsyncConfig,
  connectors: ReturnType<typeof createConnectorFactory> = createConnectorFactory(config.connectors),
): Activities {
  return createActivities({
    db: database.db,
    copyTransaction: copyTransactions(database),
    connectors,
    flowFingerprint: (flow) => flowFingerprint(config, flow),
    isRunActive: () => Promise.resolve(false),
    wakePushTarget: () => Promise.reject(new Error('no push targets in this test')),
    notifier: { runFinished: () => Promise.resolve(), deletionsAwaitApproval: () => Promise.resolve(), pushesFailed: () => Promise.resolve() },
    notificationTargets: new Map(),
    notificationMaxAttempts: 1,
    metrics: createWorkerMetrics(),
  });
}
