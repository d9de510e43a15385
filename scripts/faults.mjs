#!/usr/bin/env node
// The fault matrix (test/faults) at a size of your choosing, by hand:
//   npm run faults -- --customers 20000
// Each case prints what its fault cost next to an undisturbed run of the same input.
// Sets up what the tests need as scripts/test.sh does (PostgreSQL, sshd, the temporal CLI).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { customers: { type: 'string', default: '1000' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log('usage: npm run faults -- [--customers N]   (default 1000, as in the suite)');
  process.exit(0);
}
const customers = Number(values.customers);
if (!Number.isInteger(customers) || customers < 200) {
  console.error(`--customers must be a whole number of at least 200, got ${values.customers}`);
  process.exit(2);
}
// A larger input takes longer in every phase: give each case time in proportion.
const timeoutMs = Math.max(180_000, customers * 60);
const testScript = fileURLToPath(new URL('./test.sh', import.meta.url));
const result = spawnSync('bash', [testScript, 'test/faults', `--testTimeout=${timeoutMs}`, `--hookTimeout=${timeoutMs * 2}`], {
  stdio: 'inherit',
  env: { ...process.env, CUSTSYNC_FAULT_CUSTOMERS: String(customers), CUSTSYNC_FAULT_TIMEOUT_MS: String(timeoutMs) },
});
process.exit(result.status ?? 1);
