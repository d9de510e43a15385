import { Client, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TemporalSettings } from '../config/temporal-settings.js';
import type { RunReport } from '../domain/run-types.js';
import { followRun, RUN_EXIT_CODES, type FollowOutcome } from '../operations/follow-run.js';
import { workerIsPolling } from '../operations/start-run.js';
import { CliError } from './cli-error.js';
import { connectTemporal } from './connect-temporal.js';
import { formatProgress, formatReport } from './format-report.js';

/** How a command follows the run it started. */
export interface FollowOptions {
  temporal: TemporalSettings;
  /** The client the run was started with. */
  client: Client;
  /** false: print the run id on stdout and return at once. */
  wait?: boolean;
  json?: boolean;
  /** Where progress lines go; default stderr. */
  progress?: (line: string) => void;
  /** How long to keep trying while Temporal is unreachable (default 5 minutes; see `followRun`). */
  reconnectForMs?: number;
  /** Return (exit code 4) as soon as the run waits for a deletion approval (default true). */
  stopAtApproval?: boolean;
}

/**
 * Shows a started run's progress (live on a terminal, a line per phase in logs) and prints its
 * report; the run's outcome decides the exit code (see {@link RUN_EXIT_CODES}).
 */
export async function followAndReport(handle: WorkflowHandle, options: FollowOptions): Promise<RunReport | undefined> {
  const { workflowId } = handle;
  const say = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  say(`started ${workflowId}`);
  if (!(await workerIsPolling({ client: options.client, temporal: options.temporal }))) {
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

