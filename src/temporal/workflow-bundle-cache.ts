/**
 * The workflow bundle of a worker run from its sources, made in a child process and kept per
 * version of the sources. Bundling (webpack) in the worker itself held about 110 MB of its
 * memory for the rest of its life and took seconds at every start; the compiled worker loads
 * the bundle `npm run build` made instead.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Options for {@link cachedWorkflowBundle}. */
export interface WorkflowBundleCacheOptions {
  /** The folder whose files the bundle is made from; default the folder above the workflows' folder (`src/`). */
  sourceRoot?: string;
  /** Where bundles are kept; default `node_modules/.cache/custsync/` of the repository. */
  cacheDir?: string;
}

const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/custsync/', import.meta.url));

/** Bundles the workflows at `argv[1]` into the file `argv[2]`; run as a child with `node --input-type=module -e`. */
const BUNDLER = (sdk: string) => `
const { bundleWorkflowCode } = await import(${JSON.stringify(sdk)});
const quiet = { trace() {}, debug() {}, info() {}, log() {}, warn: console.error, error: console.error };
const { code } = await bundleWorkflowCode({ workflowsPath: process.argv[1], logger: quiet });
(await import('node:fs')).writeFileSync(process.argv[2], code);
`;

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A digest of every file under `sourceRoot` (names and contents) and of the SDK's version. */
function sourcesDigest(sourceRoot: string, sdkPackage: string): string {
  const hash = createHash('sha256').update(readFileSync(sdkPackage));
  for (const file of filesUnder(sourceRoot)) hash.update(relative(sourceRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 20);
}

/**
 * The path of a bundle of the workflows at `workflowsPath` made from the sources as they are now:
 * the kept one, else one made by a child process (a few seconds) and kept.
 *
 * @throws Error naming the bundler's own message when bundling fails (a workflow that does not compile)
 */
export async function cachedWorkflowBundle(workflowsPath: string, options: WorkflowBundleCacheOptions = {}): Promise<string> {
  const sdk = import.meta.resolve('@temporalio/worker');
  const sdkPackage = join(dirname(dirname(fileURLToPath(sdk))), 'package.json');
  const sourceRoot = options.sourceRoot ?? dirname(dirname(workflowsPath));
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const bundle = join(cacheDir, `workflow-bundle-${sourcesDigest(sourceRoot, sdkPackage)}.js`);
  if (existsSync(bundle)) return bundle;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${bundle}.${process.pid}.partial`;
  try {
    await run(process.execPath, ['--input-type=module', '-e', BUNDLER(sdk), workflowsPath, partial], { maxBuffer: 16 * 1024 * 1024 });
    renameSync(partial, bundle);
    for (const older of readdirSync(cacheDir)) {
      if (/^workflow-bundle-[0-9a-f]+\.js$/.test(older) && join(cacheDir, older) !== bundle) rmSync(join(cacheDir, older), { force: true });
    }
  } catch (error) {
    rmSync(partial, { force: true });
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`bundling the workflows at ${workflowsPath} failed${stderr ? `:\n${stderr}` : `: ${(error as Error).message}`}`, { cause: error });
  }
  return bundle;
}
