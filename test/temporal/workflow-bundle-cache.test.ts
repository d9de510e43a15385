import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedWorkflowBundle } from '../../src/temporal/workflow-bundle-cache.js';

// Inside the repository, so the bundler finds the SDK in its node_modules.
const dataDir = fileURLToPath(new URL('../../.data/', import.meta.url));
mkdirSync(dataDir, { recursive: true });
const dir = mkdtempSync(join(dataDir, 'bundle-cache-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sources(name: string, workflow: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'workflows'), { recursive: true });
  const workflowsPath = join(root, 'workflows', 'index.ts');
  writeFileSync(workflowsPath, workflow);
  return workflowsPath;
}

describe('the workflow bundle of a worker run from its sources', () => {
  const cacheDir = join(dir, 'cache');

  it('is made once per version of the sources, and the bundle of an older version is removed', { timeout: 60_000 }, async () => {
    const workflowsPath = sources('src', `export async function greetingWorkflow(): Promise<string> { return 'hello'; }\n`);
    const first = await cachedWorkflowBundle(workflowsPath, { cacheDir });
    expect(readFileSync(first, 'utf8')).toContain('greetingWorkflow');
    const madeAt = statSync(first).mtimeMs;

    expect(await cachedWorkflowBundle(workflowsPath, { cacheDir })).toBe(first);
    expect(statSync(first).mtimeMs).toBe(madeAt);

    writeFileSync(workflowsPath, `export async function greetingWorkflow(): Promise<string> { return 'good day'; }\n`);
    const second = await cachedWorkflowBundle(workflowsPath, { cacheDir });
    expect(second).not.toBe(first);
    expect(readFileSync(second, 'utf8')).toContain('good day');
    expect(readdirSync(cacheDir)).toEqual([second.slice(cacheDir.length + 1)]);
  });

  it('fails with the bundler’s message when a workflow does not compile, keeping nothing', { timeout: 60_000 }, async () => {
    const workflowsPath = sources('broken', `import { nothing } from './no-such-module';\nexport async function brokenWorkflow() { return nothing; }\n`);
    const brokenCache = join(dir, 'broken-cache');
    await expect(cachedWorkflowBundle(workflowsPath, { cacheDir: brokenCache })).rejects.toThrow(/bundling the workflows at .*broken.*failed:[\s\S]*no-such-module/);
    expect(readdirSync(brokenCache)).toEqual([]);
  });
});
