import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withPrivateFiles } from '../../../src/connectors/source-process/private-files.js';
import { sourceProcessLines, SourceProcessError } from '../../../src/connectors/source-process/source-process-lines.js';

/** A source process: node running this script. */
const nodeProcess = (script: string, extra: Partial<Parameters<typeof sourceProcessLines>[0]> = {}) =>
  sourceProcessLines({ command: process.execPath, args: ['-e', script], label: 'test source', ...extra });

/** Starts a grandchild (`sleep`) in the source's process group and prints its pid. */
const GRANDCHILD = `const g = require('node:child_process').spawn('sleep', ['600'], { stdio: 'ignore' }); console.log(String(g.pid));`;

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

/** Whether a process is gone (or a zombie nobody reaped yet). */
const gone = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z';
  } catch {
    return true;
  }
};

async function waitUntilGone(pid: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!gone(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still runs`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a source process', () => {
  it('yields its stdout line by line and ends when it exits 0', async () => {
    const lines = await collect(nodeProcess(`for (let i = 0; i < 3; i++) console.log(JSON.stringify({ n: i })); console.error('a log line');`));
    expect(lines).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
  });

  it('fails with its exit code and its last stderr lines when it exits non-zero, after the lines it wrote', async () => {
    const seen: string[] = [];
    const logs: string[] = [];
    const run = async () => {
      for await (const line of nodeProcess(`console.log('first'); console.error('Invalid API key'); process.exit(3);`, { onStderr: (l) => logs.push(l) })) seen.push(line);
    };
    await expect(run()).rejects.toThrow(/^test source exited with code 3; its last output on stderr:\nInvalid API key$/);
    expect(seen).toEqual(['first']);
    expect(logs).toEqual(['Invalid API key']);
  });

  it('is stopped, with every process it started, when it stays silent past the timeout', async () => {
    let grandchild = 0;
    const run = async () => {
      for await (const line of nodeProcess(`${GRANDCHILD} setInterval(() => {}, 1000);`, { silenceTimeoutMs: 1_000 })) grandchild = Number(line);
    };
    await expect(run()).rejects.toThrow(SourceProcessError);
    await expect(run()).rejects.toThrow(/wrote nothing for 1 s and was stopped as hung/);
    expect(grandchild).toBeGreaterThan(0);
    await waitUntilGone(grandchild);
  });

  it('is stopped with its process group when the read is cancelled, and when its reader stops early', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const cancelled = async () => {
      for await (const line of nodeProcess(`${GRANDCHILD} setInterval(() => console.log('tick'), 20);`, { signal: controller.signal })) {
        if (grandchild === 0) grandchild = Number(line);
        else controller.abort(new Error('run cancelled'));
      }
    };
    await expect(cancelled()).rejects.toThrow('run cancelled');
    await waitUntilGone(grandchild);

    let second = 0;
    for await (const line of nodeProcess(`${GRANDCHILD} setInterval(() => console.log('tick'), 20);`)) {
      second = Number(line);
      break;
    }
    await waitUntilGone(second);
  });

  it('fails clearly when the command cannot be started', async () => {
    await expect(collect(sourceProcessLines({ command: '/nonexistent/source', args: [], label: 'test source' }))).rejects.toThrow(/^test source: cannot start \/nonexistent\/source: /);
  });
});

describe('private files for a source', () => {
  it('are readable only by this user while in use and gone afterwards, also when the use fails', async () => {
    let seen: Record<string, string> = {};
    await withPrivateFiles({ config: { api_key: 'secret' } }, (paths) => {
      seen = paths;
      expect(JSON.parse(readFileSync(paths.config!, 'utf8'))).toEqual({ api_key: 'secret' });
      expect(statSync(paths.config!).mode & 0o777).toBe(0o600);
      expect(statSync(paths.config!.replace(/\/[^/]+$/, '')).mode & 0o777).toBe(0o700);
      return Promise.resolve();
    });
    expect(existsSync(seen.config!)).toBe(false);
    await expect(
      withPrivateFiles({ config: {} }, (paths) => {
        seen = paths;
        return Promise.reject(new Error('source failed'));
      }),
    ).rejects.toThrow('source failed');
    expect(existsSync(seen.config!)).toBe(false);
  });
});
