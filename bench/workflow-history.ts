import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils.js';

type HistoryEvent = NonNullable<History['events']>[number];
type Timestamp = HistoryEvent['eventTime'];

/** Time spent in one activity type over a run. */
export interface ActivityStats {
  activity: string;
  calls: number;
  /** Attempts beyond the first, summed. */
  retries: number;
  /** Scheduled → closed, summed (what the workflow waited). */
  totalMs: number;
  /** Started → closed, summed (time inside the worker, last attempt). */
  runMs: number;
  /** Scheduled → started, summed (queueing). */
  queueMs: number;
  maxMs: number;
  /** Worker processes (by identity) that ran it. */
  workers: number;
}

/** One execution of a run's continue-as-new chain. */
export interface ExecutionStats {
  runId: string;
  events: number;
  /** Workflow tasks (scheduled → completed), summed. */
  workflowTaskMs: number;
}

/** A run across all its executions. */
export interface RunHistoryStats {
  executions: ExecutionStats[];
  /** Events of every execution, summed. */
  events: number;
  activities: ActivityStats[];
  /** Workflow tasks of every execution, summed. */
  workflowTaskMs: number;
  /** Largest single payload (activity input or result, workflow input), bytes. */
  largestPayloadBytes: number;
}

function ms(ts: Timestamp): number {
  if (!ts) return 0;
  const seconds = ts.seconds;
  const s = typeof seconds === 'number' ? seconds : seconds ? Number(seconds.toString()) : 0;
  return s * 1000 + (ts.nanos ?? 0) / 1e6;
}

function eventId(id: number | { toString(): string } | null | undefined): number {
  return typeof id === 'number' ? id : id ? Number(id.toString()) : 0;
}

function largestPayload(value: unknown, depth = 0): number {
  if (!value || typeof value !== 'object' || depth > 8) return 0;
  if (value instanceof Uint8Array) return 0;
  let max = 0;
  const payloads = (value as { payloads?: unknown }).payloads;
  if (Array.isArray(payloads)) {
    for (const p of payloads) max = Math.max(max, (p as { data?: Uint8Array | null }).data?.length ?? 0);
  }
  for (const key of Object.keys(value)) {
    if (key === 'payloads') continue;
    max = Math.max(max, largestPayload((value as Record<string, unknown>)[key], depth + 1));
  }
  return max;
}

/**
 * Fetches every execution of a run (its first execution, then each one it
 * continued as), counts their events and sums the activity and workflow-task
 * durations recorded in them.
 */
export async function runHistoryStats(client: Client, workflowId: string, firstRunId: string): Promise<RunHistoryStats> {
  const executions: ExecutionStats[] = [];
  const activities = new Map<string, ActivityStats>();
  const identities = new Map<string, Set<string>>();
  let largestPayloadBytes = 0;
  let runId: string | undefined = firstRunId;
  while (runId && executions.length < 10_000) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    const scheduled = new Map<number, { activity: string; at: number }>();
    const started = new Map<number, { at: number; attempt: number; identity: string }>();
    const workflowTasks = new Map<number, number>();
    let workflowTaskMs = 0;
    let next: string | undefined;
    for (const event of events) {
      const id = eventId(event.eventId);
      const at = ms(event.eventTime);
      largestPayloadBytes = Math.max(largestPayloadBytes, largestPayload(event));
      if (event.workflowTaskScheduledEventAttributes) workflowTasks.set(id, at);
      const wftDone = event.workflowTaskCompletedEventAttributes;
      if (wftDone) workflowTaskMs += at - (workflowTasks.get(eventId(wftDone.scheduledEventId)) ?? at);
      const act = event.activityTaskScheduledEventAttributes;
      if (act) scheduled.set(id, { activity: act.activityType?.name ?? '?', at });
      const st = event.activityTaskStartedEventAttributes;
      if (st) started.set(eventId(st.scheduledEventId), { at, attempt: st.attempt ?? 1, identity: st.identity ?? '' });
      const closed =
        event.activityTaskCompletedEventAttributes ??
        event.activityTaskFailedEventAttributes ??
        event.activityTaskTimedOutEventAttributes ??
        event.activityTaskCanceledEventAttributes;
      if (closed && 'scheduledEventId' in closed) {
        const s = scheduled.get(eventId(closed.scheduledEventId));
        if (s) {
          const start = started.get(eventId(closed.scheduledEventId));
          let stats = activities.get(s.activity);
          if (!stats) {
            activities.set(s.activity, (stats = { activity: s.activity, calls: 0, retries: 0, totalMs: 0, runMs: 0, queueMs: 0, maxMs: 0, workers: 0 }));
            identities.set(s.activity, new Set());
          }
          if (start) stats.workers = identities.get(s.activity)!.add(start.identity).size;
          const total = at - s.at;
          stats.calls++;
          stats.retries += Math.max(0, (start?.attempt ?? 1) - 1);
          stats.totalMs += total;
          stats.runMs += start ? at - start.at : 0;
          stats.queueMs += start ? start.at - s.at : 0;
          stats.maxMs = Math.max(stats.maxMs, total);
        }
      }
      const continued = event.workflowExecutionContinuedAsNewEventAttributes;
      if (continued?.newExecutionRunId) next = continued.newExecutionRunId;
    }
    executions.push({ runId, events: events.length, workflowTaskMs });
    runId = next;
  }
  return {
    executions,
    events: executions.reduce((n, e) => n + e.events, 0),
    activities: [...activities.values()].sort((a, b) => b.totalMs - a.totalMs),
    workflowTaskMs: executions.reduce((n, e) => n + e.workflowTaskMs, 0),
    largestPayloadBytes,
  };
}
