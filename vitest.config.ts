import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/fast-check-seed.ts'],
    // One PostgreSQL server per run when the binaries are installed (see test/support/postgres-test-store.ts).
    globalSetup: ['test/support/postgres-global-setup.ts'],
    // Two cores and real servers on loopback: generous timeouts keep a busy machine from failing tests.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
