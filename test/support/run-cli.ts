import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { main } from '../../src/cli/main.js';

const exec = promisify(execFile);

/** The `custsync` command the tests run: the product compiled as the image runs it (see compiled-cli.ts). */
export const custsyncBin = (): string => inject('custsyncBin');

/** Runs the real `custsync` command line in a child process; never throws on a non-zero exit. */
export async function custsync(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [custsyncBin(), ...args], {
      env: { ...process.env, ...env },
      timeout: timeoutMs,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Runs the command line in this process (`main`, as `bin/custsync.js` does), for what needs no
 * process of its own: help and usage errors. Its exit code, and what it printed to stdout and stderr.
 */
export async function custsyncHere(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { writeOut: (text) => (stdout += text), writeErr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

/** Writes a config file into a fresh temporary folder and returns its path. */
export function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'custsync-config-')), 'custsync.config.yaml');
  writeFileSync(file, text);
  return file;
}

/** Runs `call` over every item, a few child processes at a time (CLI starts are slow; two cores), keeping their order. */
export async function inBatches<T, R>(items: readonly T[], call: (item: T) => Promise<R>, concurrency = 4): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += concurrency) results.push(...(await Promise.all(items.slice(i, i + concurrency).map(call))));
  return results;
}

/** Starts the real `custsync` command line and lets a test watch what it prints while it runs. */
export function startCustsync(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [custsyncBin(), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
  return { stdout: () => stdout, stderr: () => stderr, done, kill: () => child.kill() };
}
