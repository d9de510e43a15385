import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import type { Logger } from 'pino';
import { flowOfRunId } from '../domain/run-flow.js';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The SDK's metadata as custsync names it: flow and run id from the workflow id, the activity and its attempt. */
export function logFieldsOf(meta: LogMetadata = {}): Record<string, unknown> {
  const { workflowId, workflowRunId, activityType, attempt, ...rest } = meta as Record<string, unknown>;
  const fields: Record<string, unknown> = { ...rest };
  if (typeof workflowId === 'string') {
    fields.workflowId = workflowId;
    fields.runId = workflowId;
    const flow = flowOfRunId(workflowId);
    if (flow !== 'unknown') fields.flow = flow;
  }
  if (workflowRunId !== undefined) fields.temporalRunId = workflowRunId;
  if (activityType !== undefined) fields.activity = activityType;
  if (attempt !== undefined) fields.attempt = attempt;
  return fields;
}

/** The Temporal SDK's logger, writing through custsync's (workflow, activity, worker and core messages alike). */
export function sdkLoggerOver(log: Logger): SdkLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    log[LEVELS[level]](logFieldsOf(meta), message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
