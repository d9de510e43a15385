import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration files share one Temporal dev server and PostgreSQL; on 2 cores, files run one at a time.
    fileParallelism: false,
    pool: 'forks',
  },
});
