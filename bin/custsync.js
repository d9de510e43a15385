#!/usr/bin/env node
// Runs the TypeScript sources through tsx when it is installed (development),
// otherwise the compiled output in dist/ (production images).
let cli;
try {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli/main.ts');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  cli = await import('../dist/src/cli/main.js');
}
await cli.runCli(process.argv.slice(2));
