#!/usr/bin/env node
// Reads vitest's JSON report and prints the run's closing line, `tests: N passed, M failed, K skipped`.
// A test file that failed outside its tests (an import, a hook) counts as one failed test, and so
// does a run vitest itself calls unsuccessful (an unhandled error) with no failed test; a missing
// or unreadable report is one failure. Exits 1 when anything failed.
//
//   node scripts/test-summary.mjs <report.json>
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/test-summary.mjs <vitest-report.json>');
  process.exit(2);
}

let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log(`the test report ${file} could not be read (${error.message}): the test run did not finish`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

const passed = report.numPassedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
let failed = report.numFailedTests ?? 0;
for (const result of report.testResults ?? []) {
  const failedInside = (result.assertionResults ?? []).some((test) => test.status === 'failed');
  if (result.status === 'failed' && !failedInside) {
    console.log(`failed outside its tests: ${result.name}${result.message ? ` (${result.message.split('\n')[0]})` : ''}`);
    failed += 1;
  }
}
if (report.success === false && failed === 0) {
  console.log('vitest reported the run as unsuccessful (an unhandled error) without a failed test');
  failed = 1;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
