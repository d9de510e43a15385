/**
 * Every metric custsync exports, as data: its name, kind, help text, labels and where it comes
 * from. The recorders, docs/production.md and the alert rules are checked against this table.
 */

export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** Which process exports a metric: the worker (events of runs, pushes, notifications) or `serve` (HTTP, and state read from the database at scrape). */
export type MetricSource = 'worker' | 'serve';

export interface MetricDefinition {
  name: string;
  kind: MetricKind;
  help: string;
  labels: readonly string[];
  source: MetricSource;
  /** Histogram bucket bounds, in seconds. */
  buckets?: readonly number[];
}

const RUN_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1_200, 1_800, 3_600, 7_200];
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const METRICS = {
  runs: {
    name: 'custsync_runs_total',
    kind: 'counter',
    help: 'Runs finished, by flow, trigger (schedule, manual, order, import, …) and outcome (completed or failed).',
    labels: ['flow', 'trigger', 'outcome'],
    source: 'worker',
  },
  runDuration: {
    name: 'custsync_run_duration_seconds',
    kind: 'histogram',
    help: 'How long runs took from start to finish, by flow and outcome (waiting for a deletion approval included).',
    labels: ['flow', 'outcome'],
    source: 'worker',
    buckets: RUN_BUCKETS,
  },
  customers: {
    name: 'custsync_customers_total',
    kind: 'counter',
    help: 'Customers a completed run created, updated, left unchanged or rejected, by flow (dry runs not counted).',
    labels: ['flow', 'change'],
    source: 'worker',
  },
  rowsRejected: {
    name: 'custsync_rows_rejected_total',
    kind: 'counter',
    help: "Input rows or records rejected while reading (see `custsync runs rejects`), by flow and connector.",
    labels: ['flow', 'connector'],
    source: 'worker',
  },
  customersMarkedMissing: {
    name: 'custsync_customers_marked_missing_total',
    kind: 'counter',
    help: "Customers marked missing because a full snapshot of the flow's source no longer had them.",
    labels: ['flow'],
    source: 'worker',
  },
  customersDeleted: {
    name: 'custsync_customers_deleted_total',
    kind: 'counter',
    help: 'Customers soft-deleted after their grace period (or confirmed gone by a lookup), by flow.',
    labels: ['flow'],
    source: 'worker',
  },
  pushes: {
    name: 'custsync_pushes_total',
    kind: 'counter',
    help: 'Pushes of a customer to a target, by target and outcome (pushed, retry, failed, skipped).',
    labels: ['target', 'outcome'],
    source: 'worker',
  },
  pushDuration: {
    name: 'custsync_push_duration_seconds',
    kind: 'histogram',
    help: "How long one push took, the target's answer included, by target.",
    labels: ['target'],
    source: 'worker',
    buckets: REQUEST_BUCKETS,
  },
  notifications: {
    name: 'custsync_notifications_total',
    kind: 'counter',
    help: 'Notification deliveries, by outcome (sent, retry, failed, skipped).',
    labels: ['outcome'],
    source: 'worker',
  },
  httpRequests: {
    name: 'custsync_http_requests_total',
    kind: 'counter',
    help: 'HTTP requests answered by serve, by method, route (the pattern, not the URL) and status.',
    labels: ['method', 'route', 'status'],
    source: 'serve',
  },
  httpDuration: {
    name: 'custsync_http_request_duration_seconds',
    kind: 'histogram',
    help: 'How long serve took to answer, by method and route.',
    labels: ['method', 'route'],
    source: 'serve',
    buckets: REQUEST_BUCKETS,
  },
  reviewQueue: {
    name: 'custsync_review_queue_customers',
    kind: 'gauge',
    help: 'New customers held for the data team’s review.',
    labels: [],
    source: 'serve',
  },
  reviewQueueOldestAge: {
    name: 'custsync_review_queue_oldest_age_seconds',
    kind: 'gauge',
    help: 'Age of the oldest customer waiting for review (0 when none waits).',
    labels: [],
    source: 'serve',
  },
  approvalsWaiting: {
    name: 'custsync_deletion_approvals_waiting',
    kind: 'gauge',
    help: 'Runs waiting for an operator to approve or reject their deletions.',
    labels: [],
    source: 'serve',
  },
  approvalOldestAge: {
    name: 'custsync_deletion_approval_oldest_age_seconds',
    kind: 'gauge',
    help: 'How long the oldest run waiting for a deletion approval has waited (0 when none waits).',
    labels: [],
    source: 'serve',
  },
  pushBacklog: {
    name: 'custsync_push_backlog_customers',
    kind: 'gauge',
    help: 'Customers queued for a push and not yet pushed, by target.',
    labels: ['target'],
    source: 'serve',
  },
  notificationOutbox: {
    name: 'custsync_notification_outbox_pending',
    kind: 'gauge',
    help: 'Notifications queued and not yet delivered.',
    labels: [],
    source: 'serve',
  },
  lastSuccess: {
    name: 'custsync_flow_last_success_timestamp_seconds',
    kind: 'gauge',
    help: 'When the last run of each flow completed (Unix time; 0 when none has).',
    labels: ['flow'],
    source: 'serve',
  },
  scheduleInterval: {
    name: 'custsync_flow_schedule_interval_seconds',
    kind: 'gauge',
    help: "Interval between a scheduled flow's runs, from the config (the longest gap between its next cron times); flows without a schedule are absent.",
    labels: ['flow'],
    source: 'serve',
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;
