import { defineConfig } from 'vitest/config';
import { TEST_CONNECTORS_DIR } from './test/support/test-sources-dir.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // The source packages scripts/install-source-packages.sh keeps outside the clone (the example config pins one).
    env: { CUSTSYNC_CONNECTORS_DIR: process.env.CUSTSYNC_CONNECTORS_DIR || TEST_CONNECTORS_DIR },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two files at a time: each has its own database and task queue on the one Temporal dev server and PostgreSQL,
    // and most of a file's time is spent waiting on them.
    fileParallelism: true,
    maxWorkers: 2,
    pool: 'forks',
    // Files share their worker process's loaded modules (PostgreSQL, Temporal, the server: 1.4 s per file
    // when each loads its own). Files keep no state of their own in those modules: each opens its own
    // database, task queue and servers, and puts back any environment variable it sets.
    isolate: false,
  },
});
