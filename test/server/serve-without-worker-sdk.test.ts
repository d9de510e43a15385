import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The `@temporalio/*` packages a fresh Node process has loaded after importing `modules`, in order. */
function temporalPackagesLoadedBy(modules: string[]): string[] {
  const script = `
    for (const m of ${JSON.stringify(modules)}) await import(m);
    const { createRequire } = await import('node:module');
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    const names = loaded.map((p) => /node_modules\\/(@temporalio\\/[^/]+)\\//.exec(p)?.[1]).filter(Boolean);
    console.log(JSON.stringify([...new Set(names)].sort()));`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
}

describe('what custsync serve loads', () => {
  it('starts the CLI and the HTTP server without the worker SDK (a serve image needs no native worker code)', { timeout: 60_000 }, () => {
    const loaded = temporalPackagesLoadedBy(['./src/cli/main.ts', './src/server/build-server.ts']);
    expect(loaded).toContain('@temporalio/client');
    expect(loaded.filter((p) => ['@temporalio/worker', '@temporalio/testing', '@temporalio/core-bridge'].includes(p))).toEqual([]);
    expect(temporalPackagesLoadedBy(['./src/worker.ts']), 'the worker itself does load it').toContain('@temporalio/worker');
  });
});
