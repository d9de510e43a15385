import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/tooling/dev-server.js';
import { freePort } from '../../src/tooling/free-port.js';
import { workflowsPath } from '../../src/worker.js';
import { buildCompiledCli } from './compiled-cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    /** The dev server's Web UI. */
    temporalUiUrl: string;
    /** The workflow bundle every test worker loads: made once for the run, not once per worker. */
    workflowBundlePath: string;
    /** `bin/custsync.js` of the product compiled as the image has it (test/support/compiled-cli.ts): what tests spawn. */
    custsyncBin: string;
    /** The SFTP test account's password for this run (test/support/sftp-server.ts): the same for every file's server. */
    sftpPassword: string;
  }
}

let server: TemporalDevServer | undefined;
let dir: string | undefined;

/** One real Temporal dev server for the whole test run, on a free loopback port, and one workflow bundle for its workers. */
export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'custsync-test-temporal-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } });
  writeFileSync(bundlePath, code);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('sftpPassword', randomBytes(18).toString('base64url'));
  project.provide('custsyncBin', buildCompiledCli(mkdtempSync(join(dir, 'compiled-')), bundlePath));
  const port = await freePort();
  server = await startTemporalDevServer({ port, uiPort: await freePort(), dbFile: join(dir, 'temporal.sqlite') });
  project.provide('temporalAddress', server.address);
  project.provide('temporalUiUrl', server.uiUrl);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
