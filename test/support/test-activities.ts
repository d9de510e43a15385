import type { Kysely } from 'kysely';
import { createActivities, type Activities } from '../../src/activities/index.js';
import { flowFingerprint } from '../../src/config/config-fingerprint.js';
import type { CustsyncConfig } from '../../src/config/config-schema.js';
import { createConnectorFactory } from '../../src/connectors/create-connector.js';
import type { Database } from '../../src/db/database.js';
import { createWorkerMetrics } from '../../src/telemetry/worker-metrics.js';

/**
 * The activities over a test database, for calling one at a time (no other run of a flow is
 * ever running), with no push targets and no one to notify.
 */
export function createTestActivities(db: Kysely<Database>, config: CustsyncConfig): Activities {
  return createActivities({
    db,
    connectors: createConnectorFactory(config.connectors),
    flowFingerprint: (flow) => flowFingerprint(config, flow),
    isRunActive: () => Promise.resolve(false),
    wakePushTarget: () => Promise.reject(new Error('no push targets in this test')),
    notifier: { runFinished: () => Promise.resolve(), deletionsAwaitApproval: () => Promise.resolve(), pushesFailed: () => Promise.resolve() },
    notificationTargets: new Map(),
    notificationMaxAttempts: 1,
    metrics: createWorkerMetrics(),
  });
}
