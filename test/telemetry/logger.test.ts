import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.js';
import { logFieldsOf, sdkLoggerOver } from '../../src/telemetry/sdk-logger.js';

/** Logs through a logger writing to a file, and returns the lines it wrote. */
function logged(options: Parameters<typeof createLogger>[0], write: (log: ReturnType<typeof createLogger>) => void): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'custsync-log-')), 'log');
  const fd = openSync(file, 'w');
  try {
    write(createLogger({ format: 'json', ...options, fd }));
  } finally {
    closeSync(fd);
  }
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

describe('the process log', () => {
  it('writes JSON lines with level, time and the fields given', () => {
    const [line] = logged({}, (log) => log.info({ flow: 'erp', runId: 'sync/erp/x' }, 'run finished'));
    const entry = JSON.parse(line!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'info', flow: 'erp', runId: 'sync/erp/x', msg: 'run finished' });
    expect(new Date(entry.time as string).toISOString()).toBe(entry.time);
  });

  it('masks the known secret values wherever they appear, and redacts fields named like secrets or contact details', () => {
    const secret = 'sftp-pa$$word-"quoted"';
    const lines = logged({ secrets: [secret, 'short'] }, (log) => {
      log.error({ detail: `login with ${secret} refused` }, `connect failed: ${secret}`);
      log.info({ password: 'hunter22', config: { token: 'abc', nested: { apiKey: 'k' } }, customer: { email: 'a@b.example', phone: '+4912345' } }, 'fields');
      log.info('a short word stays: short');
    });
    const text = lines.join('\n');
    expect(text).not.toContain('pa$$word');
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('a@b.example');
    expect(text).not.toContain('+4912345');
    expect(text).toContain('short word stays: short');
    const fields = JSON.parse(lines[1]!) as { password: string; config: { token: string; nested: { apiKey: string } }; customer: { email: string } };
    expect(fields.password).toBe('[redacted]');
    expect(fields.config.token).toBe('[redacted]');
    expect(fields.config.nested.apiKey).toBe('[redacted]');
    expect(fields.customer.email).toBe('[redacted]');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'connect failed: [redacted]' });
  });

  it('drops lines below its level', () => {
    const lines = logged({ level: 'warn' }, (log) => {
      log.info('not written');
      log.warn('written');
    });
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['written']);
  });
});

describe("the Temporal SDK's messages", () => {
  it('name the flow, run id, workflow id, activity and attempt as custsync does', () => {
    expect(
      logFieldsOf({ workflowId: 'sync/erp/20261203T080000000Z-abcd', workflowRunId: 'r-1', activityType: 'stageStep', attempt: 2, taskQueue: 'custsync' }),
    ).toEqual({ workflowId: 'sync/erp/20261203T080000000Z-abcd', runId: 'sync/erp/20261203T080000000Z-abcd', flow: 'erp', temporalRunId: 'r-1', activity: 'stageStep', attempt: 2, taskQueue: 'custsync' });
  });

  it('are written through the process log at their own level', () => {
    const lines = logged({ level: 'debug' }, (log) => {
      const sdk = sdkLoggerOver(log);
      sdk.warn('Activity failed', { activityType: 'stageStep', attempt: 1 });
      sdk.log('DEBUG', 'polled');
      sdk.trace('not written');
    });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { level: 'warn', msg: 'Activity failed', activity: 'stageStep', attempt: 1 },
      { level: 'debug', msg: 'polled' },
    ]);
  });
});
