import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { CustsyncConfig } from '../../config/config-schema.js';
import { planFlow, runKey, runSummary, runWorkflowId } from '../../config/flow-plan.js';
import type { TemporalSettings } from '../../config/temporal-settings.js';
import type { customerSyncWorkflow } from '../../workflows/customer-sync-workflow.js';
import type { CustomerSyncInput, RunReport, RunTrigger } from '../../domain/run-types.js';
import { CliError } from '../cli-error.js';
import { followRun, RUN_EXIT_CODES, type FollowOutcome } from '../follow-run.js';
import { formatProgress, formatReport } from '../format-report.js';

export const runHelp = `Starts a run of <flow> as a Temporal workflow (id sync/<flow>/<timestamp>),
shows its live progress and prints its report. The run reads every pending input
of the flow's source, oldest first. Only one run of a flow runs at a time: a run
started while another runs is refused, naming the running one.

While following the run, a lost connection to Temporal is retried (saying since when it
is unreachable) for --reconnect-for (default 5m); the run itself goes on meanwhile.
Exit codes: 0 the run completed; 1 it failed; 2 usage error; 3 still running when
custsync stopped following it (Temporal unreachable too long); 4 the run waits for a
deletion approval (custsync deletions approve|reject <run>; --wait-for-approval follows
it through the wait instead).`;

export interface RunFlowOptions {
  config: CustsyncConfig;
  temporal: TemporalSettings;
  flow: string;
  files?: string[];
  /** Compute the changes, write no customer (see `CustomerSyncInput.dryRun`). */
  dryRun?: boolean;
  wait?: boolean;
  json?: boolean;
  trigger?: RunTrigger;
  /** Where progress lines go; default stderr. */
  progress?: (line: string) => void;
  /** How long to keep trying while Temporal is unreachable (default 5 minutes; see `followRun`). */
  reconnectForMs?: number;
  /** Return (exit code 4) as soon as the run waits for a deletion approval (default true). */
  stopAtApproval?: boolean;
  /**
   * The connection to use; it stays open (the SDK may still retry a call on it), so a
   * process makes one with {@link connectTemporal} and keeps it until it exits.
   */
  connection: Connection;
}

/** Starts a run and, unless told not to wait, follows it to its report. */
export async function runFlow(options: RunFlowOptions): Promise<RunReport | undefined> {
  const input = planFlow(options.config, options.flow, {
    trigger: options.trigger ?? 'cli',
    inputs: options.files,
    dryRun: options.dryRun,
  });
  return startAndFollowRun({ ...options, workflowId: runWorkflowId(options.flow, runKey(new Date())), input });
}

/** What {@link startAndFollowRun} needs: the run's id and input, and how to follow it. */
export interface StartRunOptions {
  connection: Connection;
  temporal: TemporalSettings;
  workflowId: string;
  input: CustomerSyncInput;
  wait?: boolean;
  json?: boolean;
  /** Where progress lines go; default stderr. */
  progress?: (line: string) => void;
  /** How long to keep trying while Temporal is unreachable (default 5 minutes; see `followRun`). */
  reconnectForMs?: number;
  /** Return (exit code 4) as soon as the run waits for a deletion approval (default true). */
  stopAtApproval?: boolean;
}

/** Starts a run of `customerSyncWorkflow`, shows its progress and prints its report (unless `wait` is false). */
export async function startAndFollowRun(options: StartRunOptions): Promise<RunReport | undefined> {
  const { input, workflowId } = options;
  const client = new Client({ connection: options.connection, namespace: options.temporal.namespace });
  const handle = await client.workflow.start<typeof customerSyncWorkflow>('customerSyncWorkflow', {
    taskQueue: options.temporal.taskQueue,
    workflowId,
    args: [input],
    memo: { flow: input.flow, trigger: input.trigger, ...(input.dryRun ? { dryRun: true } : {}) },
    staticSummary: runSummary(input),
  });
  const say = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  say(`started ${workflowId}`);
  if (!(await hasPollers(options.connection, options.temporal))) {
    say(
      `  no worker is polling task queue "${options.temporal.taskQueue}" on ${options.temporal.address}; ` +
        'the run waits until one starts (custsync worker)',
    );
  }
  if (options.wait === false) {
    console.log(workflowId);
    return undefined;
  }

  let last = '';
  let lastPhase = '';
  let lastPrinted = 0;
  const live = !options.progress && process.stderr.isTTY;
  const show = (phase: string, line: string) => {
    if (live) {
      process.stderr.write(`\r\x1b[K  ${line}`);
      return;
    }
    // In logs: a line when the phase changes, and at most one every 10 s within a phase.
    if (phase !== lastPhase || Date.now() - lastPrinted >= 10_000) {
      say(`  ${line}`);
      lastPhase = phase;
      lastPrinted = Date.now();
    }
  };
  let staging: Promise<void> | undefined;
  // Followed on a connection of its own whose calls retry only briefly: the follower says at once when Temporal is gone.
  const followConnection = await connectTemporal(options.temporal, { quickRetries: true });
  const followed = new Client({ connection: followConnection, namespace: options.temporal.namespace }).workflow.getHandle(workflowId);
  const outcome = await followRun(followed, {
    reconnectForMs: options.reconnectForMs,
    stopAtApproval: options.stopAtApproval,
    say,
    onProgress: (p) => {
      if (p.phase === 'staging' && !staging) {
        staging = stagedSoFar(handle)
          .catch(() => undefined)
          .then((staged) => {
            const line = formatProgress(p) + (staged !== undefined ? `: ${staged.toLocaleString('en-US')} records read` : '');
            if (line !== last) show(p.phase, line);
            last = line;
          })
          .finally(() => (staging = undefined));
        return;
      }
      const line = formatProgress(p);
      if (line !== last) show(p.phase, line);
      last = line;
    },
  });
  await staging;
  await followConnection.close().catch(() => undefined);
  if (live) process.stderr.write('\r\x1b[K');
  const report = reportOrExit(workflowId, outcome);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report;
}

/**
 * The report of a completed run; any other outcome is a {@link CliError} whose exit code says
 * what became of the run (see {@link RUN_EXIT_CODES}).
 */
export function reportOrExit(runId: string, outcome: FollowOutcome): RunReport {
  switch (outcome.kind) {
    case 'completed':
      return outcome.report;
    case 'failed':
      throw new CliError(`run ${runId} failed: ${outcome.message}\n(see it in the Temporal UI, or: custsync runs show ${runId})`, RUN_EXIT_CODES.failed);
    case 'awaiting-approval':
      throw new CliError(`run ${runId} is ${formatProgress(outcome.progress)}`, RUN_EXIT_CODES.awaitingApproval);
    case 'still-running':
      throw new CliError(
        `run ${runId} is still running, but Temporal has been unreachable since ${outcome.unreachableSince.toISOString()} ` +
          `(${outcome.lastError}); stopped following it. Follow it later with: custsync runs show ${runId}`,
        RUN_EXIT_CODES.stillRunning,
      );
  }
}

/** Whether any worker polls the task queue for workflow tasks right now. */
async function hasPollers(connection: Connection, temporal: TemporalSettings): Promise<boolean> {
  try {
    const response = await connection.workflowService.describeTaskQueue({
      namespace: temporal.namespace,
      taskQueue: { name: temporal.taskQueue },
    });
    return (response.pollers ?? []).length > 0;
  } catch {
    return true;
  }
}

/** Records the running stage activity has read so far, from its last heartbeat. */
async function stagedSoFar(handle: WorkflowHandle): Promise<number | undefined> {
  const description = await handle.describe();
  for (const activity of description.raw.pendingActivities ?? []) {
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (activity.activityType?.name !== 'stageStep' || !payload) continue;
    const details = defaultPayloadConverter.fromPayload<{ read?: number }>(payload);
    if (typeof details?.read === 'number') return details.read;
  }
  return undefined;
}

/**
 * Connects to Temporal for a command. `quickRetries` gives each call only a few quick retries
 * (about a second) instead of the client's default (about 25 s), for callers that retry
 * themselves and want to say so sooner, such as {@link followRun}.
 */
export async function connectTemporal(settings: TemporalSettings, options: { quickRetries?: boolean } = {}): Promise<Connection> {
  try {
    return await Connection.connect({
      address: settings.address,
      connectTimeout: '5 seconds',
      ...(options.quickRetries ? { interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }))] } : {}),
    });
  } catch (error) {
    throw new CliError(
      `cannot reach Temporal at ${settings.address} (${(error as Error).message}); ` +
        'start it (npm run demo starts a dev server) or set TEMPORAL_ADDRESS',
    );
  }
}
