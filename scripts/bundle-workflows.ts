import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { prebuiltBundlePath, workflowsPath } from '../src/worker.js';

// Bundles the workflow code once at build time (`npm run build`), so a worker started
// from dist/ loads it instead of bundling at every start.
const { code } = await bundleWorkflowCode({ workflowsPath });
const target = fileURLToPath(prebuiltBundlePath);
writeFileSync(target, code);
console.log(`workflow bundle written to ${target} (${(code.length / 1024).toFixed(0)} KiB)`);
