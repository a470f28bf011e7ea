import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: the built extension in real Chromium and Firefox, against real servers on 127.0.0.1.
 * One file at a time (each launches browsers; CI has 2 cores). Run `npm run build:test` first (npm test does).
 */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts', 'tests/servers/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './tests/e2e/harness/durations-reporter.ts'],
  },
});
