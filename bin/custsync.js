#!/usr/bin/env node
// Runs the TypeScript sources through tsx when both are here (development), otherwise the
// compiled output in dist/ (production images: no src/, no tsx).
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);

async function registerTsx() {
  try {
    (await import('tsx/esm/api')).register();
    return true;
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return false;
  }
}

const cli = existsSync(sources) && (await registerTsx()) ? await import(sources.href) : await import('../dist/src/cli/main.js');
await cli.runCli(process.argv.slice(2));
